import Foundation

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

    /// Returns the venv's python, creating the venv under a lock if needed.
    static func python() throws -> String {
        let venv = packageRoot.appendingPathComponent(".build/fidelity-venv")
        let python = venv.appendingPathComponent("bin/python").path
        let marker = venv.appendingPathComponent(".complete-" + packages.joined(separator: ",")).path
        if FileManager.default.fileExists(atPath: marker) { return python }

        try FileManager.default.createDirectory(at: venv.deletingLastPathComponent(), withIntermediateDirectories: true)
        try run("/usr/bin/env", ["python3", "-m", "venv", "--clear", venv.path])
        try run(python, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check"] + packages)
        _ = FileManager.default.createFile(atPath: marker, contents: Data())
        return python
    }

    /// Runs a command to completion; throws with its output when it fails.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw CommandFailure(command: ([executable] + arguments).joined(separator: " "),
                                 status: process.terminationStatus, output: text)
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
