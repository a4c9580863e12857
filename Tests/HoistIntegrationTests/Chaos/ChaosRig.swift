import Foundation
import HoistCore
import HoistEmulator

/// The fixed parts of a chaos run: a restartable emulator, a private state directory, the
/// seeded image file, the one `hoist upload --import --wait` command every child runs, and the
/// readers that judge the outcome (journal, object bytes, images). Always `close()` it.
final class ChaosRig: @unchecked Sendable {
    let settings: ChaosSettings
    let emulator: ChaosEmulator
    let directory: String
    let stateDirectory: String
    let file: String
    let key = "chaos/disk.raw"
    let imageName: String
    private let transport: Transport
    private let client: OSSClient

    init(settings: ChaosSettings) async throws {
        self.settings = settings
        let base = URL(fileURLWithPath: NSTemporaryDirectory()).resolvingSymlinksInPath().path
        directory = base + "/hoist-chaos-\(UUID().uuidString.prefix(8))"
        stateDirectory = directory + "/state"
        file = directory + "/disk.raw"
        imageName = "chaos-\(settings.seed)"
        try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: directory + "/hoist.toml", contents: Data("# empty\n".utf8))
        emulator = try await ChaosEmulator(dataDirectory: directory + "/emulator")
        transport = try Transport()
        let access = UploadScenario.accessKey
        client = OSSClient(endpoint: OSSEndpoint(emulator.baseURL)!, signer: OSSRequestSigner(version: .v4, region: "cn-hangzhou"),
                           transport: transport,
                           credentials: { Credentials(accessKeyId: access.id, accessKeySecret: access.secret) })
        try writeFile()
    }

    func close() async {
        transport.shutdown()
        await emulator.shutdown()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Pseudo-random bytes from the seed, written in 1 MiB chunks so a large file costs no memory.
    private func writeFile() throws {
        var random = ChaosRandom(seed: settings.seed ^ 0xF11E)
        _ = FileManager.default.createFile(atPath: file, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: file))
        defer { try? handle.close() }
        var remaining = Int(settings.fileSize)
        while remaining > 0 {
            let count = min(remaining, 1 << 20)
            var chunk = [UInt8](repeating: 0, count: count)
            chunk.withUnsafeMutableBytes { raw in
                for i in 0..<(count / 8) { raw.storeBytes(of: random.next(), toByteOffset: i * 8, as: UInt64.self) }
            }
            try handle.write(contentsOf: chunk)
            remaining -= count
        }
    }

    // MARK: The child

    var arguments: [String] {
        ["upload", file, "oss://\(ChaosEmulator.bucket)/\(key)", "--endpoint", emulator.baseURL, "--region", "cn-hangzhou",
         "--state-dir", stateDirectory, "--config", directory + "/hoist.toml",
         "--part-size", "\(settings.partSize)", "--parallel", "\(settings.parallel)", "--progress-interval", "0.2",
         "--import", "--ecs-endpoint", emulator.baseURL, "--poll-interval", "0.1",
         "--image-name", imageName, "--platform", "Ubuntu", "--wait", "--json"]
    }

    func start() throws -> HoistChild {
        let environment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": directory,
            "ALIBABA_CLOUD_ACCESS_KEY_ID": UploadScenario.accessKey.id,
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET": UploadScenario.accessKey.secret,
            "NO_PROXY": "*", "no_proxy": "*",
        ]
        return try HoistChild(arguments: arguments, environment: environment, directory: directory)
    }

    // MARK: Judging

    /// The journal's only job and its latest import attempt; nil before the first run made one.
    func journaled() async throws -> (job: JobRecord, attempt: ImportRecord?)? {
        guard FileManager.default.fileExists(atPath: stateDirectory + "/journal.sqlite") else { return nil }
        let journal = try UploadJournal(path: stateDirectory + "/journal.sqlite")
        defer { try? journal.close() }
        guard let job = try await journal.jobs().last else { return nil }
        return (job, try await journal.latestImport(jobId: job.id))
    }

    /// Size and CRC-64 from HeadObject equal the file's, and so does every byte, read back in
    /// 8 MiB ranges.
    func objectMatchesFile() async throws -> Bool {
        let head = try await client.headObject(bucket: ChaosEmulator.bucket, key: key)
        guard head.size == settings.fileSize else { return false }
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: file))
        defer { try? handle.close() }
        var crc: UInt64 = 0
        var offset: Int64 = 0
        while offset < settings.fileSize {
            let count = min(settings.fileSize - offset, 8 << 20)
            let expected = Array(try handle.read(upToCount: Int(count)) ?? Data())
            let got = try await client.getObject(bucket: ChaosEmulator.bucket, key: key,
                                                 range: .closed(first: offset, last: offset + count - 1))
            guard got.body == expected else { return false }
            crc = CRC64.update(crc, expected)
            offset += count
        }
        return head.crc64 == crc
    }
}
