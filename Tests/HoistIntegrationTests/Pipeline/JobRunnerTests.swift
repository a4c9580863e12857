import Foundation
import HoistCore
import HoistEmulator
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `JobRunner` in this process against the emulator: one event stream per job, one lock per
/// job, and a job continued from its journaled state.
@Suite(.timeLimit(.minutes(3))) struct JobRunnerTests {
    @Test func anUploadAndImportJobIsOneEventStreamEndingInTheImportsOutcome() async throws {
        try await withImportScenario { s in
            let runtime = try s.base.runtime()
            defer { runtime.shutdown() }
            let disk = try s.qcow2("disk.qcow2")
            let job = try s.job(disk, key: "disk.qcow2", follow: true)
            let recorder = JobEventRecorder()
            let outcome = try await JobRunner(runtime: runtime).run(job, onEvent: recorder.append)

            let events = recorder.events
            guard case .available(let record) = outcome.imported else {
                Issue.record("not Available: \(String(describing: outcome.imported))")
                return
            }
            guard case .finished(let last) = events.last else {
                Issue.record("the stream does not end in .finished: \(events.map(\.name))")
                return
            }
            #expect(last == outcome)
            let names = events.map(\.name)
            let uploaded = try #require(names.firstIndex(of: "uploaded"))
            #expect(names.filter { $0 == "uploaded" }.count == 1 && names.filter { $0 == "finished" }.count == 1)
            #expect(names[..<uploaded].allSatisfy { $0 == "upload" }, "\(names)")
            #expect(names[(uploaded + 1)..<(names.count - 1)].allSatisfy { $0 == "import" }, "\(names)")
            guard case .import(.available(let jobId, let imageId)) = events[events.count - 2] else {
                Issue.record("the import's end is not the last event before .finished: \(names)")
                return
            }
            #expect(jobId == outcome.jobId && imageId == record.imageId)
            #expect(outcome.upload?.crc64 == CRC64.update(0, Array(try Data(contentsOf: URL(fileURLWithPath: disk)))))
            #expect(s.ecs.importImageCalls == 1 && s.ecs.imagesCreated == 1)
            #expect(try await runtime.journal.job(id: outcome.jobId)?.state == .available)
        }
    }

    @Test func aSecondRunOfARunningJobIsRefusedNamingThePid() async throws {
        try await withImportScenario(importSeconds: 3600) { s in
            let runtime = try s.base.runtime()
            defer { runtime.shutdown() }
            let disk = try s.qcow2("disk.qcow2")
            let job = try s.job(disk, key: "disk.qcow2", follow: true)
            let runner = JobRunner(runtime: runtime)
            let (submitted, signal) = AsyncStream<Void>.makeStream()
            let first = Task {
                try await runner.run(job) { event in
                    if case .import(.submitted) = event { signal.yield() }
                }
            }
            // The first run now follows its import, holding the job's lock.
            for await _ in submitted { break }

            let refusal = await #expect(throws: JobLockError.self) { try await runner.run(job) }
            guard case .held(let key, let holder) = refusal else {
                Issue.record("not refused as held: \(String(describing: refusal))")
                first.cancel()
                return
            }
            #expect(key == job.lockKey && holder?.pid == getpid())
            #expect(refusal?.description.contains("hoist process \(getpid())") == true)

            first.cancel()
            _ = await first.result
            #expect(s.ecs.importImageCalls == 1, "the refused run sent nothing")
        }
    }

    @Test func aRunThatWaitsForTheLockSaysWhoHoldsItAndContinuesTheSameImport() async throws {
        try await withImportScenario(importSeconds: 3600) { s in
            let runtime = try s.base.runtime()
            defer { runtime.shutdown() }
            let disk = try s.qcow2("disk.qcow2")
            let runner = JobRunner(runtime: runtime)
            let (progress, signal) = AsyncStream<String>.makeStream()
            let first = Task {
                try await runner.run(try s.job(disk, key: "disk.qcow2", follow: true)) { event in
                    if case .import(.submitted) = event { signal.yield("submitted") }
                }
            }
            // One iterator for the whole test: dropping an AsyncStream's iterator ends the stream.
            var steps = progress.makeAsyncIterator()
            while let step = await steps.next(), step != "submitted" {}

            var waiting = try s.job(disk, key: "disk.qcow2", follow: false)
            waiting.options.waitForLock = true
            let recorder = JobEventRecorder()
            let second = Task {
                try await runner.run(waiting) { event in
                    recorder.append(event)
                    if case .waitingForLock = event { signal.yield("waiting") }
                }
            }
            while let step = await steps.next(), step != "waiting" {}
            first.cancel()
            _ = await first.result

            let outcome = try await second.value
            guard case .waitingForLock(_, let holder) = recorder.events.first else {
                Issue.record("the first event is not the wait: \(recorder.events.map(\.name))")
                return
            }
            #expect(holder?.pid == getpid())
            guard case .running = outcome.imported else {
                Issue.record("not the running import: \(String(describing: outcome.imported))")
                return
            }
            #expect(outcome.upload?.alreadyUploaded == true)
            #expect(s.ecs.importImageCalls == 1, "the waiting run continued the import, it did not start another")
        }
    }

    @Test func twoJobsRunAtOnceOnOneRuntime() async throws {
        try await withScenario { s in
            let runtime = try s.runtime()
            defer { runtime.shutdown() }
            let runner = JobRunner(runtime: runtime)
            let one = try s.makeFile("one.raw", size: 700 * 1024, seed: 1)
            let two = try s.makeFile("two.raw", size: 500 * 1024, seed: 2)
            func job(_ path: String, _ key: String) -> UploadJob {
                UploadJob(upload: UploadRequest(sourcePath: path, location: ObjectLocation(bucket: s.bucket, key: key),
                                                partSize: s.partSize, parallel: 2, endpoint: s.server.baseURL))
            }
            async let first = runner.run(job(one, "one.raw"))
            async let second = runner.run(job(two, "two.raw"))
            let (a, b) = try await (first, second)
            #expect(a.jobId != b.jobId && a.imported == nil && b.imported == nil)
            #expect(try await s.objectMatches(one, key: "one.raw"))
            #expect(try await s.objectMatches(two, key: "two.raw"))
            #expect(try await runtime.journal.jobs().map(\.state) == [.uploaded, .uploaded])
        }
    }

    @Test func aJobLeftImportingIsResumedFromTheJournalWithoutASecondImport() async throws {
        try await withImportScenario { s in
            let runtime = try s.base.runtime()
            defer { runtime.shutdown() }
            let disk = try s.qcow2("disk.qcow2")
            let runner = JobRunner(runtime: runtime)
            let started = try await runner.run(try s.job(disk, key: "disk.qcow2", follow: false))
            guard case .running = started.imported else {
                Issue.record("not left running: \(String(describing: started.imported))")
                return
            }
            #expect(try await runtime.journal.job(id: started.jobId)?.state == .importing)

            let recorder = JobEventRecorder()
            let resumed = try await runner.resume(jobId: started.jobId, options: s.runOptions(follow: true),
                                                  onEvent: recorder.append)
            guard case .available = resumed.imported else {
                Issue.record("not Available: \(String(describing: resumed.imported))")
                return
            }
            #expect(resumed.upload == nil && !recorder.events.map(\.name).contains("upload"))
            #expect(s.ecs.importImageCalls == 1 && s.ecs.imagesCreated == 1)
        }
    }
}

extension UploadScenario {
    /// A runtime on this scenario's emulator and state directory, with its own network view
    /// and nothing from this host's config or environment.
    func runtime() throws -> HoistRuntime {
        let config = directory + "/runtime.toml"
        _ = FileManager.default.createFile(atPath: config, contents: Data())
        return try HoistRuntime(RuntimeOptions(
            configPath: config,
            flags: HoistConfig(endpoint: server.baseURL, region: "cn-hangzhou", partSize: partSize, parallel: 4,
                               stateDirectory: stateDirectory),
            ecsEndpoint: server.baseURL, environment: [:],
            credentials: Credentials(accessKeyId: Self.accessKey.id, accessKeySecret: Self.accessKey.secret),
            health: NetworkHealth()))
    }
}

extension ImportScenario {
    func runOptions(follow: Bool) -> JobRunOptions {
        let poll = ImportPollSchedule(initial: .milliseconds(100), factor: 1, maximum: .milliseconds(100))
        return JobRunOptions(followImport: follow, importSettings: ImportTracker.Settings(poll: poll))
    }

    /// Upload `path` to `key` and import it as `web-v1`, its parameters checked offline first.
    func job(_ path: String, key: String, follow: Bool) throws -> UploadJob {
        let location = ObjectLocation(bucket: bucket, key: key)
        let parameters = ImportParameters(imageName: "web-v1", platform: "Ubuntu", osType: "linux", architecture: "x86_64")
        let prepared = try ImportPreflight(defaultRegion: "cn-hangzhou").prepare(parameters, object: location, sourceFile: path)
        let upload = UploadRequest(sourcePath: path, location: location, partSize: base.partSize, parallel: 4,
                                   endpoint: server.baseURL)
        return UploadJob(upload: upload, importImage: prepared.request, options: runOptions(follow: follow))
    }
}

/// Every event a job delivered, in order.
final class JobEventRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var received: [JobEvent] = []

    var append: @Sendable (JobEvent) -> Void { { [self] event in lock.withLock { received.append(event) } } }
    var events: [JobEvent] { lock.withLock { received } }
}

extension JobEvent {
    /// The event's kind, for checking the order of a stream.
    var name: String {
        switch self {
        case .waitingForLock: "waitingForLock"
        case .upload: "upload"
        case .uploaded: "uploaded"
        case .import: "import"
        case .finished: "finished"
        }
    }
}
