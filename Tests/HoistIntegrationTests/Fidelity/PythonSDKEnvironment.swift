import Foundation
import HoistCore
import HoistEmulator
import HoistTestSupport

/// A Python virtual environment with the official Alibaba Cloud SDKs, made once per build folder.
///
/// The SDKs are the fidelity oracle for the emulator: if a real client fails against it, the
/// emulator is wrong. Creating the venv takes minutes the first time (pip builds crcmod), so it
/// lives in the package's `.build` folder and is reused while its marker file says it is complete.
enum PythonSDKEnvironment {
    static let packages = ["oss2==2.19.1", "alibabacloud-oss-v2==1.4.1",
                           "aliyun-python-sdk-core==2.16.1", "aliyun-python-sdk-ecs==4.24.83"]

    /// The package root, found from this file's path (Tests/HoistIntegrationTests/Fidelity/…).
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }

    static var scriptsDirectory: URL { packageRoot.appendingPathComponent("Tests/Fidelity") }

    /// Returns the venv's python, creating the venv if needed. Several suites ask at once, so the
    /// check-and-create runs under an exclusive lock, off the cooperative pool.
    static func python() async throws -> String {
        try await offThePool { try pythonHoldingLock() }.get()
    }

    private static func pythonHoldingLock() throws -> String {
        let venv = packageRoot.appendingPathComponent(".build/fidelity-venv")
        let python = venv.appendingPathComponent("bin/python").path
        let marker = venv.appendingPathComponent(".complete-" + packages.joined(separator: ",")).path
        try FileManager.default.createDirectory(at: venv.deletingLastPathComponent(), withIntermediateDirectories: true)
        let lock = open(venv.path + ".lock", O_CREAT | O_RDWR, 0o644)
        guard lock >= 0, flock(lock, LOCK_EX) == 0 else { throw CommandFailure(command: "lock", status: errno, output: "") }
        defer { close(lock) }
        if FileManager.default.fileExists(atPath: marker) { return python }

        try run("/usr/bin/env", ["python3", "-m", "venv", "--clear", venv.path])
        try run(python, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check"] + packages)
        _ = FileManager.default.createFile(atPath: marker, contents: Data())
        return python
    }

    /// The long-term key and the STS credentials every fidelity script signs with; the emulator
    /// under test must be started with both.
    static let key = OSSAccessKey(id: "LTAI5tExampleAccessKeyId", secret: "ExampleAccessKeySecret0123456789ab")
    static let sts = OSSAccessKey(id: "STS.NUexampleTemporaryKeyId", secret: "ExampleTemporarySecret0123456789cd",
                                  securityToken: "CAISexampleSecurityToken/with+special=chars")

    /// Runs `Tests/Fidelity/<script>` against the emulator at `emulatorURL`, with the bucket,
    /// region and credentials passed in the environment the scripts read. Both SDK suites go
    /// through here so they cannot drift apart in what they tell the scripts.
    static func runScript(_ script: String, python: String, emulatorURL: String,
                          bucket: String) async -> Result<String, any Error> {
        let path = scriptsDirectory.appendingPathComponent(script).path
        let environment = [
            "HOIST_EMULATOR_URL": emulatorURL, "HOIST_BUCKET": bucket, "HOIST_REGION": "cn-hangzhou",
            "HOIST_AK": key.id, "HOIST_SK": key.secret,
            "HOIST_STS_AK": sts.id, "HOIST_STS_SK": sts.secret, "HOIST_STS_TOKEN": sts.securityToken!,
            "NO_PROXY": "*", "no_proxy": "*",
        ]
        return await runOffThePool(python, [path], environment: environment)
    }

    /// `run` on a thread of its own. `run` blocks until the script exits; on the cooperative pool
    /// that takes away a thread the in-process emulator needs to answer the script, and on a
    /// 2-core machine two such tests at once leave it none (every SDK call then times out).
    static func runOffThePool(_ executable: String, _ arguments: [String],
                              environment: [String: String]) async -> Result<String, any Error> {
        await offThePool { try run(executable, arguments, environment: environment) }
    }

    private static func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async -> Result<T, any Error> {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: Result { try body() }) }
        }
    }

    /// Runs a command to completion; throws with its output when it fails.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> String {
        let (status, text) = try CapturedProcess.run(executable, arguments, environment: environment)
        guard status == 0 else {
            throw CommandFailure(command: ([executable] + arguments).joined(separator: " "), status: status, output: text)
        }
        return text
    }

    struct CommandFailure: Error, CustomStringConvertible {
        var command: String
        var status: Int32
        var output: String
        var description: String { "`\(command)` exited \(status):\n\(output)" }
    }
}
