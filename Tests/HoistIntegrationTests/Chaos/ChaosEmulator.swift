import Foundation
import HoistCore
import HoistEmulator

/// An emulator that can be restarted on the same port and data directory while a child runs,
/// with counters summed over every instance it has been.
///
/// The emulator keeps object and upload metadata in memory, so a restart forgets open uploads
/// (a client sees `NoSuchUpload`, as after an expiry) and completed objects. Real OSS never loses
/// a completed object, so `restart()` refuses once any instance has received a
/// CompleteMultipartUpload: from then on the instance that may hold the object stays up.
///
/// Used from one task only (the chaos driver).
final class ChaosEmulator: @unchecked Sendable {
    static let bucket = "images"
    private(set) var server: EmulatorServer
    let dataDirectory: String
    private var ecsSettings: ECSEmulatorSettings
    private var retired: [CounterSnapshot] = []
    private var retiredECS: [ECSCounterSnapshot] = []

    init(dataDirectory: String) async throws {
        self.dataDirectory = dataDirectory
        ecsSettings = ECSEmulatorSettings(importSeconds: 5)
        server = try await Self.start(port: 0, dataDirectory: dataDirectory, ecs: ecsSettings)
    }

    private static func start(port: Int, dataDirectory: String, ecs: ECSEmulatorSettings) async throws -> EmulatorServer {
        try await EmulatorServer.start(EmulatorConfig(
            port: port, storage: .directory(dataDirectory), buckets: [bucket], accessKeys: [UploadScenario.accessKey],
            minPartSize: 100 * 1024, eventLoopThreads: 2, ecs: ecs))
    }

    var baseURL: String { server.baseURL }

    func shutdown() async { try? await server.shutdown() }

    /// Applies to imports created afterwards, in this instance and any later one.
    func setImportSeconds(_ seconds: Double) {
        ecsSettings.importSeconds = seconds
        server.ecs.updateSettings { $0.importSeconds = seconds }
    }

    /// Stops the server (open connections are cut) and starts a fresh one on the same port and
    /// data directory, with the same fault rules. Returns the uploads the old instance held, which
    /// are now lost, or nil when a restart could lose a completed object (see the type's comment).
    func restart() async throws -> [UploadSummary]? {
        // Fail every Complete from now on, then look: if none arrived before, none can succeed.
        let rules = server.faults.settings
        server.faults.addError(ErrorFault(operation: "CompleteMultipartUpload", status: 503, code: "ServiceUnavailable"))
        if tally.count("CompleteMultipartUpload") > 0 {
            server.faults.replace(rules)
            return nil
        }
        let port = server.port
        try await server.shutdown()
        let lost = server.uploads()
        retired.append(server.counters.snapshot())
        retiredECS.append(server.ecs.counters())
        var attempt = 0
        while true {
            do {
                server = try await Self.start(port: port, dataDirectory: dataDirectory, ecs: ecsSettings)
                // The run's fault rules are the test's, not the server's: they carry over.
                server.faults.replace(rules)
                return lost
            } catch {
                // The old socket can linger for a moment; the port is ours, so try again.
                attempt += 1
                if attempt > 50 { throw error }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// Every instance's counters, summed.
    var tally: ChaosTally {
        ChaosTally(snapshots: retired + [server.counters.snapshot()])
    }

    /// ECS counters summed over every instance.
    var ecsCounters: ECSCounterSnapshot {
        (retiredECS + [server.ecs.counters()]).reduce(into: ECSCounterSnapshot()) { sum, c in
            sum.importImageCalls += c.importImageCalls
            sum.imagesCreated += c.imagesCreated
            sum.idempotentReplays += c.idempotentReplays
            sum.importsRejected += c.importsRejected
        }
    }
}

/// Request and part counters over the emulator's lifetimes.
struct ChaosTally {
    var requests: [String: Int] = [:]
    var parts: [PartReceipt] = []
    /// Answers with a 5xx status: here only injected ones (errors, SlowDown) produce them.
    var serverErrors = 0

    init(snapshots: [CounterSnapshot]) {
        for snapshot in snapshots {
            requests.merge(snapshot.requests, uniquingKeysWith: +)
            parts += snapshot.parts
            for (_, statuses) in snapshot.responses {
                serverErrors += statuses.filter { (Int($0.key) ?? 0) >= 500 }.values.reduce(0, +)
            }
        }
    }

    func count(_ operation: String) -> Int { requests[operation] ?? 0 }

    /// Requests to OSS and ECS together.
    var allRequests: Int { requests.values.reduce(0, +) }

    /// Import polls: what a run following an import sends.
    var polls: Int { count("DescribeImages") + count("DescribeTasks") + count("DescribeTaskAttribute") }

    /// Bytes of parts the emulator stored (status 200), every attempt.
    var acceptedPartBytes: Int64 { parts.filter { $0.status == 200 }.reduce(0) { $0 + $1.size } }
}
