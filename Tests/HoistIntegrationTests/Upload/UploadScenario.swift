import Foundation
import HoistCore
import HoistEmulator
#if canImport(Glibc)
import Glibc
#endif

/// One emulator (signatures checked), a temporary directory for files and the journal, and
/// helpers to run `hoist upload` against it and check the result. Always `close()` it.
final class UploadScenario: @unchecked Sendable {
    static let accessKey = OSSAccessKey(id: "LTAI5tIntegrationKeyId", secret: "IntegrationSecret-9f8e7d6c5b4a3210")
    let bucket = "images"
    let partSize: Int64 = 128 * 1024
    let server: EmulatorServer
    let directory: String
    let stateDirectory: String
    private let transport: Transport
    let client: OSSClient

    init(faults: FaultSettings = FaultSettings(), metadata: MetadataSettings? = nil) async throws {
        server = try await EmulatorServer.start(EmulatorConfig(
            buckets: [bucket], accessKeys: [Self.accessKey], minPartSize: 100 * 1024, faults: faults,
            eventLoopThreads: 2, metadata: metadata))
        let base = URL(fileURLWithPath: NSTemporaryDirectory()).resolvingSymlinksInPath().path
        directory = base + "/hoist-it-\(UUID().uuidString.prefix(8))"
        stateDirectory = directory + "/state"
        try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
        transport = try Transport()
        client = OSSClient(endpoint: OSSEndpoint(server.baseURL)!, signer: OSSRequestSigner(version: .v4, region: "cn-hangzhou"),
                           transport: transport,
                           credentials: { Credentials(accessKeyId: Self.accessKey.id, accessKeySecret: Self.accessKey.secret) })
    }

    /// An ECS client on the emulator, for what another tool would do there (an import without
    /// Hoist's tags).
    func ecsClient() -> ECSClient {
        ECSClient(configuration: .init(regionId: "cn-hangzhou", endpoint: ECSEndpoint(url: server.baseURL)),
                  credentials: Credentials(accessKeyId: Self.accessKey.id, accessKeySecret: Self.accessKey.secret),
                  transport: transport)
    }

    func close() async {
        transport.shutdown()
        try? await server.shutdown()
        try? FileManager.default.removeItem(atPath: directory)
    }

    // MARK: Files

    /// A file of `size` pseudo-random bytes (seeded, so a failure can be reproduced).
    @discardableResult
    func makeFile(_ name: String, size: Int, seed: UInt64 = 1) throws -> String {
        let path = directory + "/" + name
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        var bytes = [UInt8](repeating: 0, count: size)
        bytes.withUnsafeMutableBytes { raw in
            let words = raw.bindMemory(to: UInt64.self)
            for i in 0..<words.count {
                state ^= state << 13; state ^= state >> 7; state ^= state << 17
                words[i] = state
            }
        }
        for i in (size / 8 * 8)..<size { bytes[i] = UInt8(truncatingIfNeeded: i) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Overwrites `count` bytes at `offset` in place (same inode, new mtime).
    func scribble(_ path: String, offset: Int64, count: Int = 16) throws {
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        try handle.seek(toOffset: UInt64(offset))
        try handle.write(contentsOf: Data((0..<count).map { UInt8(($0 * 7 + 3) & 0xFF) }))
        try handle.close()
    }

    // MARK: Running hoist

    var environment: [String: String] {
        [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": directory,
            "ALIBABA_CLOUD_ACCESS_KEY_ID": Self.accessKey.id,
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET": Self.accessKey.secret,
            "NO_PROXY": "*", "no_proxy": "*",
            // Hermetic: never ask a real ECS metadata service (a CI runner may be an instance).
            "ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true",
            // The scenario's own host-wide lock folder: shared by every hoist it starts.
            LockDirectory.variable: locks.path,
        ]
    }

    /// The lock folder every hoist of this scenario shares, whatever its state directory.
    var locks: LockDirectory { LockDirectory(path: directory + "/locks") }

    /// The lock a run of this scenario takes for `key`.
    func lockKey(_ file: String, key: String) -> JobLockKey {
        JobLockKey(sourcePath: file, bucket: bucket, key: key, endpoint: server.baseURL)
    }

    func arguments(_ file: String, key: String, _ extra: [String] = []) -> [String] {
        ["upload", file, "oss://\(bucket)/\(key)", "--endpoint", server.baseURL, "--region", "cn-hangzhou",
         "--state-dir", stateDirectory, "--config", directory + "/hoist.toml",
         "--part-size", "\(partSize)", "--parallel", "4", "--progress-interval", "0.2"] + extra
    }

    func start(_ arguments: [String], environment: [String: String]? = nil, umask: String? = nil) throws -> HoistChild {
        if !FileManager.default.fileExists(atPath: directory + "/hoist.toml") {
            _ = FileManager.default.createFile(atPath: directory + "/hoist.toml", contents: Data("# empty\n".utf8))
        }
        return try HoistChild(arguments: arguments, environment: environment ?? self.environment, directory: directory,
                              umask: umask)
    }

    func run(_ arguments: [String], environment: [String: String]? = nil, timeout: Double = 60) async throws -> HoistRun {
        try await start(arguments, environment: environment).wait(timeout: timeout)
    }

    // MARK: Checking

    /// The object's bytes equal the file's, and its CRC-64 equals the file's CRC-64.
    func objectMatches(_ path: String, key: String) async throws -> Bool {
        let expected = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        let object = try await client.getObject(bucket: bucket, key: key)
        let head = try await client.headObject(bucket: bucket, key: key)
        return object.body == expected && head.crc64 == CRC64.update(0, expected) && head.size == Int64(expected.count)
    }

    func objectExists(key: String) async -> Bool {
        (try? await client.headObject(bucket: bucket, key: key)) != nil
    }

    /// The journal's view of the job for `path` → `key`: its open upload and recorded parts.
    func journaled(_ path: String, key: String) async throws -> (uploadId: String?, parts: Set<Int>) {
        let journal = try UploadJournal(path: stateDirectory + "/journal.sqlite")
        defer { try? journal.close() }
        guard let job = try await journal.findJob(sourcePath: path, bucket: bucket, key: key),
              let upload = try await journal.openUpload(jobId: job.id) else { return (nil, []) }
        return (upload.uploadId, Set(try await journal.completedParts(uploadId: upload.uploadId).map(\.number)))
    }

    /// Part numbers the emulator holds for an open upload.
    func serverParts(uploadId: String) -> Set<Int> {
        Set(server.uploads().first { $0.uploadId == uploadId }?.parts.map(\.partNumber) ?? [])
    }

    /// UploadParts fully received so far (any outcome), in order.
    var receipts: [PartReceipt] { server.counters.snapshot().parts }

    func partCount(_ size: Int) -> Int { (size + Int(partSize) - 1) / Int(partSize) }
}

/// Runs `body` with a fresh scenario and always closes it (emulator, files, journal).
func withScenario(faults: FaultSettings = FaultSettings(), metadata: MetadataSettings? = nil,
                  _ body: (UploadScenario) async throws -> Void) async throws {
    let scenario = try await UploadScenario(faults: faults, metadata: metadata)
    do {
        try await body(scenario)
    } catch {
        await scenario.close()
        throw error
    }
    await scenario.close()
}
