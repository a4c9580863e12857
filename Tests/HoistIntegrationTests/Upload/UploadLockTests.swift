import Foundation
import HoistCore
import HoistEmulator
import Testing
#if canImport(Glibc)
import Glibc
#endif

extension UploadIntegration {
    /// One job, one runner, host-wide: concurrent `hoist upload` runs of one file.
    ///
    /// The first run is held at InitiateMultipartUpload by an injected 503 (it retries, holding
    /// the job lock) until the test has done what it needs with the second; then the fault is
    /// cleared and the first finishes. Nothing depends on how fast either process is.
    @Suite struct JobLocking {
        static let partCount = 24

        /// Starts the first run and returns once it holds the job lock and is stuck retrying.
        func startHeldRun(_ scenario: UploadScenario, file: String, key: String) async throws -> HoistChild {
            scenario.server.faults.addError(ErrorFault(operation: "InitiateMultipartUpload", rate: 1, status: 503,
                                                       code: "ServiceUnavailable"))
            let child = try scenario.start(scenario.arguments(file, key: key))
            let lockKey = scenario.lockKey(file, key: key)
            try await waitUntil("the first run holds the lock and tries to initiate", timeout: 60) {
                JobLockHolder.recorded(for: lockKey, in: scenario.locks)?.pid == child.process.processIdentifier
                    && (scenario.server.counters.snapshot().requests["InitiateMultipartUpload"] ?? 0) >= 1
            }
            return child
        }

        @Test func aSecondRunIsRefusedWithExit8AndTheObjectIsSentOnce() async throws {
            try await withScenario { scenario in
                let size = Self.partCount * Int(scenario.partSize) - 777
                let file = try scenario.makeFile("twice.img", size: size, seed: 11)
                let first = try await startHeldRun(scenario, file: file, key: "twice.img")

                let second = try await scenario.run(scenario.arguments(file, key: "twice.img"))
                #expect(second.exitCode == 8, "\(second.output)")
                #expect(second.stderr.contains("hoist process \(first.process.processIdentifier)"), "\(second.stderr)")
                #expect(second.stderr.contains("--wait-for-lock"), "\(second.stderr)")

                scenario.server.faults.clear()
                let done = await first.wait(timeout: 120)
                #expect(done.exitCode == 0, "\(done.output)")
                #expect(try await scenario.objectMatches(file, key: "twice.img"))
                let counters = scenario.server.counters.snapshot()
                #expect(counters.bodyBytesByOperation["UploadPart"] == Int64(size), "\(counters.bodyBytesByOperation)")
                #expect(counters.parts.count == Self.partCount)
                #expect(counters.requests["CompleteMultipartUpload"] == 1)
            }
        }

        @Test func waitForLockWaitsThenFindsTheJobDone() async throws {
            try await withScenario { scenario in
                let size = Self.partCount * Int(scenario.partSize)
                let file = try scenario.makeFile("queued.img", size: size, seed: 12)
                let first = try await startHeldRun(scenario, file: file, key: "queued.img")

                let second = try scenario.start(scenario.arguments(file, key: "queued.img", ["--wait-for-lock", "--json"]))
                try await waitUntil("the second run to wait for the first", timeout: 60) {
                    second.stderr.contains("waiting for hoist process \(first.process.processIdentifier)")
                }
                #expect(second.isRunning)
                scenario.server.faults.clear()
                let done = await first.wait(timeout: 120)
                #expect(done.exitCode == 0, "\(done.output)")
                let partsAfterFirst = scenario.receipts.count

                let queued = await second.wait(timeout: 120)
                #expect(queued.exitCode == 0, "\(queued.output)")
                #expect(queued.stdout.contains("\"already_uploaded\""), "\(queued.stdout)")
                let summary = queued.stdout.split(separator: "\n").compactMap {
                    try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
                }.last
                #expect(summary?["bytes_sent"] as? Int == 0)
                #expect(scenario.receipts.count == partsAfterFirst)
                #expect(scenario.server.counters.snapshot().bodyBytesByOperation["UploadPart"] == Int64(size))
            }
        }

        /// The lock is host-wide, not per state directory: a run with its own journal, and a run
        /// of another file to the same object, are refused while the first uploads.
        @Test func anotherStateDirectoryOrAnotherSourceCannotUploadTheSameObjectAtOnce() async throws {
            try await withScenario { scenario in
                let size = Self.partCount * Int(scenario.partSize)
                let file = try scenario.makeFile("shared.img", size: size, seed: 14)
                let other = try scenario.makeFile("other.img", size: size, seed: 15)
                let first = try await startHeldRun(scenario, file: file, key: "shared.img")
                let elsewhere = scenario.directory + "/other-state"
                for (source, extra) in [(file, ["--state-dir", elsewhere]), (other, [])] {
                    let second = try await scenario.run(scenario.arguments(source, key: "shared.img") + extra)
                    #expect(second.exitCode == 8, "\(second.output)")
                    #expect(second.stderr.contains("hoist process \(first.process.processIdentifier)")
                            && second.stderr.contains("oss://images/shared.img"), "\(second.stderr)")
                }
                scenario.server.faults.clear()
                let done = await first.wait(timeout: 120)
                #expect(done.exitCode == 0, "\(done.output)")
                let counters = scenario.server.counters.snapshot()
                #expect(counters.bodyBytesByOperation["UploadPart"] == Int64(size), "one copy on the wire: \(counters.bodyBytesByOperation)")
                #expect(try FileManager.default.contentsOfDirectory(atPath: scenario.locks.path).isEmpty,
                        "no lock file is left once the job ended")
            }
        }

        /// A run killed with SIGKILL leaves its job `uploading` in the journal; `hoist status`
        /// shows it as interrupted (no process holds its lock), with the bytes already safe.
        @Test func statusShowsAKilledRunAsInterrupted() async throws {
            try await withScenario { scenario in
                let file = try scenario.makeFile("status.img", size: Self.partCount * Int(scenario.partSize), seed: 16)
                scenario.server.faults.setBandwidth(BandwidthFault(bytesPerSecond: 400_000))
                let child = try scenario.start(scenario.arguments(file, key: "status.img"))
                try await waitUntil("some parts stored", timeout: 60) { scenario.receipts.count >= 3 || !child.isRunning }
                let arguments = ["status", "--json", "--state-dir", scenario.stateDirectory, "--config", scenario.directory + "/hoist.toml"]
                func job() async throws -> [String: Any] {
                    let run = try await scenario.run(arguments)
                    let root = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.output)")
                    return try #require((root["jobs"] as? [[String: Any]])?.first)
                }
                let running = try await job()
                #expect(running["state"] as? String == "uploading" && running["running_pid"] as? Int == Int(child.process.processIdentifier),
                        "\(running)")
                child.signal(SIGKILL)
                _ = await child.wait(timeout: 30)
                let killed = try await job()
                #expect(killed["state"] as? String == "interrupted" && killed["journal_state"] as? String == "uploading", "\(killed)")
                #expect((killed["bytes_done"] as? Int ?? 0) > 0, "the parts already safe are counted: \(killed)")
                scenario.server.faults.clear()
            }
        }

        @Test func aLockHeldByAKilledProcessIsFree() async throws {
            try await withScenario { scenario in
                let file = try scenario.makeFile("killed.img", size: Self.partCount * Int(scenario.partSize), seed: 13)
                let first = try await startHeldRun(scenario, file: file, key: "killed.img")
                first.signal(SIGKILL)
                let killed = await first.wait(timeout: 30)
                #expect(killed.signalled && killed.exitCode == SIGKILL)

                let lockKey = scenario.lockKey(file, key: "killed.img")
                let lock = try await JobLock.acquire(lockKey, in: scenario.locks)
                #expect(JobLockHolder.recorded(for: lockKey, in: scenario.locks)?.pid == getpid())
                lock.release()

                scenario.server.faults.clear()
                let again = try await scenario.run(scenario.arguments(file, key: "killed.img"))
                #expect(again.exitCode == 0, "\(again.output)")
                #expect(try await scenario.objectMatches(file, key: "killed.img"))
            }
        }
    }
}
