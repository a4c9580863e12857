import Foundation
import HoistCore
import HoistEmulator
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// An `UploadScenario` (emulator with OSS and ECS on one port, strict signatures, a private
/// journal) plus what import tests need: generated image files, `hoist import`/`upload --import`
/// argument lists, and readers for the ECS counters and the journal.
struct ImportScenario {
    let base: UploadScenario

    var server: EmulatorServer { base.server }
    var bucket: String { base.bucket }

    /// Common connection flags of the import commands.
    var connection: [String] {
        ["--region", "cn-hangzhou", "--ecs-endpoint", server.baseURL, "--endpoint", server.baseURL,
         "--state-dir", base.stateDirectory, "--config", base.directory + "/hoist.toml"]
    }

    /// `hoist import oss://images/KEY …` with fast polling.
    func importArguments(key: String, _ extra: [String]) -> [String] {
        ["import", "oss://\(bucket)/\(key)"] + connection + ["--poll-interval", "0.1"] + extra
    }

    /// `hoist cancel JOB …`: only the flags cancel has.
    func cancelArguments(_ job: String) -> [String] {
        ["cancel", job, "--ecs-endpoint", server.baseURL, "--state-dir", base.stateDirectory,
         "--config", base.directory + "/hoist.toml"]
    }

    /// `hoist upload FILE oss://images/KEY --import …` with small parts and fast polling.
    func uploadImportArguments(_ file: String, key: String, _ extra: [String]) -> [String] {
        base.arguments(file, key: key) + ["--import", "--ecs-endpoint", server.baseURL, "--poll-interval", "0.1"] + extra
    }

    func run(_ arguments: [String], environment: [String: String]? = nil, timeout: Double = 60) async throws -> HoistRun {
        try await base.run(arguments, environment: environment, timeout: timeout)
    }

    func start(_ arguments: [String]) throws -> HoistChild { try base.start(arguments) }

    // MARK: Images

    /// A qcow2 v3 file as qemu-img lays it out (`QCOW2Header`: header, refcount table, L1 table;
    /// 192 KiB) with `virtualSize` bytes of virtual disk. Nothing binary is committed.
    func qcow2(_ name: String, virtualSize: UInt64 = 2 << 30) throws -> String {
        try write(name, size: UInt64(QCOW2Header.metadataSize), pieces: [(0, QCOW2Header.bytes(virtualSize: virtualSize))])
    }

    /// A 175-block ISO 9660 image: not importable.
    func iso(_ name: String) throws -> String {
        var pvd = [UInt8](repeating: 0, count: 2048)
        pvd[0] = 1
        pvd.replaceSubrange(1..<6, with: Array("CD001".utf8))
        pvd[6] = 1
        return try write(name, size: 175 * 2048, pieces: [(0x8000, pvd), (0x8800, [255] + Array("CD001".utf8) + [1])])
    }

    /// A raw disk with an MBR signature, sparse.
    func raw(_ name: String, size: UInt64) throws -> String {
        try write(name, size: size, pieces: [(510, [0x55, 0xAA])])
    }

    private func write(_ name: String, size: UInt64, pieces: [(UInt64, [UInt8])]) throws -> String {
        let path = base.directory + "/" + name
        let fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0o644)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        defer { close(fd) }
        guard ftruncate(fd, off_t(size)) == 0 else { throw POSIXError(.EFBIG) }
        for (offset, bytes) in pieces {
            let n = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, off_t(offset)) }
            guard n == bytes.count else { throw POSIXError(.EIO) }
        }
        return path
    }

    /// Puts `path` into OSS as `key` with `hoist upload`, the way an operator would before
    /// `hoist import`.
    func upload(_ path: String, key: String) async throws {
        let result = try await base.run(base.arguments(path, key: key))
        #expect(result.exitCode == 0, "\(result.output)")
    }

    // MARK: Reading state

    var ecs: ECSCounterSnapshot { server.ecs.counters() }

    var requests: [String: Int] { server.counters.snapshot().requests }

    /// The ECS actions counted so far (ImportImage, DescribeImages, …), summed.
    var ecsRequestCount: Int {
        let actions: Set<String> = ["ImportImage", "DescribeImages", "DescribeTasks", "DescribeTaskAttribute", "CancelTask", "ECS"]
        return requests.filter { actions.contains($0.key) }.values.reduce(0, +)
    }

    /// The journal's only job and its latest import attempt.
    func journaled() async throws -> (job: JobRecord, attempt: ImportRecord?)? {
        let journal = try UploadJournal(path: base.stateDirectory + "/journal.sqlite")
        defer { try? journal.close() }
        guard let job = try await journal.jobs().last else { return nil }
        return (job, try await journal.latestImport(jobId: job.id))
    }

    /// The JSON objects a `--json` run printed.
    static func events(_ stdout: String) -> [[String: Any]] {
        stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }
}

/// Runs `body` with an emulator whose imports take `importSeconds`, and always closes it.
func withImportScenario(importSeconds: Double = 1, faults: FaultSettings = FaultSettings(),
                        _ body: (ImportScenario) async throws -> Void) async throws {
    try await withScenario(faults: faults) { base in
        base.server.ecs.updateSettings { $0.importSeconds = importSeconds }
        try await body(ImportScenario(base: base))
    }
}
