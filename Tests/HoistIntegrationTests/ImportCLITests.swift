import Foundation
import HoistCore
import HoistEmulator
import Testing

/// `hoist import` as a child process against the emulator. The emulator serves OSS only so
/// far, so these cover everything that must happen before ECS is asked anything: a bad
/// parameter, image or object fails fast with its exit code and not one request reaches ECS.
/// (Both endpoints point at the emulator, whose counters show what arrived.)
@Suite(.enabled(if: ImportCLI.binary != nil, "needs the hoist executable: swift build --product hoist"))
struct ImportCLITests {
    @Test(arguments: [
        (["--image-name", "1-starts-with-a-digit"], "imageNameFirstCharacter"),
        (["--image-name", "web-v1", "--platform", "Ubantu"], "platformUnknown"),
        (["--image-name", "web-v1", "--format", "ISO"], "formatISO"),
        (["--image-name", "web-v1", "--arch", "arm64", "--boot-mode", "BIOS"], "arm64RequiresUEFI"),
        (["--image-name", "web-v1", "--tag", "aliyun:x=1"], "tagKeyReservedPrefix"),
    ])
    func invalidParametersFailBeforeAnyRequest(flags: [String], rule: String) async throws {
        try await ImportCLI.withEmulator { emulator, cli in
            let result = try await cli.run(["import", "oss://images/disk.qcow2"] + flags)
            #expect(result.status == 2)
            #expect(result.stderr.contains(rule) && result.stderr.contains("nothing was sent"))
            #expect(emulator.counters.snapshot().requests.isEmpty)
        }
    }

    @Test func anISOAndATooSmallDiskAreRefusedFromTheFile() async throws {
        try await ImportCLI.withEmulator { emulator, cli in
            let iso = cli.scratch + "/image.iso"
            try ImportCLI.sparseFile(iso, size: 175 * 2048, pieces: [(0x8001, Array("CD001".utf8))])
            let refused = try await cli.run(["import", "oss://images/image.iso", "--image-name", "web-v1", "--source-file", iso])
            #expect(refused.status == 2 && refused.stderr.contains("ISO is not importable"))

            let raw = cli.scratch + "/disk.raw"
            try ImportCLI.sparseFile(raw, size: 3 << 30, pieces: [(510, [0x55, 0xAA])])
            let small = try await cli.run(["import", "oss://images/disk.raw", "--image-name", "web-v1", "--source-file", raw,
                                           "--disk-image-size", "2", "--json"])
            #expect(small.status == 2)
            #expect(small.stdout.contains(#""event":"error""#) && small.stdout.contains("use at least 3 GiB"))
            #expect(emulator.counters.snapshot().requests.isEmpty)
        }
    }

    @Test func aMissingObjectIsRefusedWithoutCallingECS() async throws {
        try await ImportCLI.withEmulator { emulator, cli in
            let result = try await cli.run(["import", "oss://images/missing.qcow2", "--image-name", "web-v1"])
            #expect(result.status == 6, "\(result.stderr)")
            #expect(result.stderr.contains("oss://images/missing.qcow2") && result.stderr.contains("NoSuchKey"))
            let requests = emulator.counters.snapshot().requests
            #expect(requests.keys.allSatisfy { $0.lowercased().contains("head") }, "\(requests)")
        }
    }

    @Test func missingCredentialsAreAUsageErrorAndNoSecretIsPrinted() async throws {
        try await ImportCLI.withEmulator { _, cli in
            let none = try await cli.run(["import", "oss://images/disk.qcow2", "--image-name", "web-v1"],
                                         environment: ["HOME": "/nonexistent", "ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true"])
            #expect(none.status == 2 && none.stderr.contains("ALIBABA_CLOUD_ACCESS_KEY_ID"))
            let some = try await cli.run(["import", "oss://images/missing.qcow2", "--image-name", "web-v1"])
            #expect(!(some.stdout + some.stderr).contains(ImportCLI.secret))
        }
    }
}

/// Runs the `hoist` executable with a private state directory against an emulator.
struct ImportCLI {
    static let secret = "test-secret-never-printed"

    /// `.build/<config>/hoist`, found from this file's place in the package.
    static let binary: String? = {
        if let path = ProcessInfo.processInfo.environment["HOIST_BINARY"] { return path }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for config in ["debug", "release"] {
            let path = root.appendingPathComponent(".build/\(config)/hoist").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    let endpoint: String
    let scratch: String

    static func withEmulator(_ body: (EmulatorServer, ImportCLI) async throws -> Void) async throws {
        let server = try await EmulatorServer.start(EmulatorConfig(buckets: ["images"], authentication: false, eventLoopThreads: 1))
        let scratch = NSTemporaryDirectory() + "hoist-import-cli-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        do {
            try await body(server, ImportCLI(endpoint: server.baseURL, scratch: scratch))
        } catch {
            try await server.shutdown()
            throw error
        }
        try await server.shutdown()
    }

    func run(_ arguments: [String], environment: [String: String]? = nil) async throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.binary))
        process.arguments = arguments + ["--region", "cn-hangzhou", "--ecs-endpoint", endpoint, "--oss-endpoint", endpoint,
                                         "--state-dir", scratch + "/state"]
        process.environment = environment ?? [
            "ALIBABA_CLOUD_ACCESS_KEY_ID": "AK", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": Self.secret,
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin",
        ]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        // The outputs are small (a few lines), so the pipes never fill before the child exits.
        let o = try out.fileHandleForReading.readToEnd() ?? Data()
        let e = try err.fileHandleForReading.readToEnd() ?? Data()
        return Result(status: status, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    /// A file of `size` bytes (holes where nothing is written).
    static func sparseFile(_ path: String, size: UInt64, pieces: [(UInt64, [UInt8])]) throws {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.truncate(atOffset: size)
        for (offset, bytes) in pieces {
            try handle.seek(toOffset: offset)
            try handle.write(contentsOf: Data(bytes))
        }
    }
}
