import Foundation
import HoistCore
import HoistEmulator
import Testing

extension UploadIntegration {
    /// Uploads whose parts nobody will use are aborted, and only confirmed aborts are recorded.
    @Suite struct Orphans {
        static let partCount = 6

        /// A job whose upload has every part but failed at Complete (403): an open upload that
        /// OSS lists and this host's journal started.
        func openUpload(_ scenario: UploadScenario, name: String, seed: UInt64) async throws -> (file: String, uploadId: String) {
            let file = try scenario.makeFile(name, size: Self.partCount * Int(scenario.partSize), seed: seed)
            scenario.server.faults.addError(ErrorFault(operation: "CompleteMultipartUpload", rate: 1, status: 403,
                                                       code: "AccessDenied"))
            let failed = try await scenario.run(scenario.arguments(file, key: name))
            #expect(failed.exitCode == 4, "\(failed.output)")
            scenario.server.faults.clear()
            let uploadId = try #require(try await scenario.journaled(file, key: name).uploadId)
            return (file, uploadId)
        }

        func uploadState(_ scenario: UploadScenario, _ uploadId: String) async throws -> UploadState? {
            let journal = try UploadJournal(path: scenario.stateDirectory + "/journal.sqlite")
            defer { try? journal.close() }
            return try await journal.upload(id: uploadId)?.state
        }

        func onServer(_ scenario: UploadScenario, _ uploadId: String) -> Bool {
            scenario.server.uploads().contains { $0.uploadId == uploadId }
        }

        @Test func anUnconfirmedAbortIsKeptAndTheNextRunRetriesIt() async throws {
            try await withScenario { scenario in
                let (file, old) = try await openUpload(scenario, name: "changed.img", seed: 31)
                try scenario.scribble(file, offset: 10)  // new mtime: the next run must start again
                scenario.server.faults.addError(ErrorFault(operation: "AbortMultipartUpload", rate: 1, status: 500))

                let restarted = try await scenario.run(scenario.arguments(file, key: "changed.img"))
                #expect(restarted.exitCode == 0, "\(restarted.output)")
                #expect(try await scenario.objectMatches(file, key: "changed.img"))
                #expect(try await uploadState(scenario, old) == .aborting)
                #expect(onServer(scenario, old), "the failed abort left the parts in OSS")

                scenario.server.faults.clear()
                let again = try await scenario.run(scenario.arguments(file, key: "changed.img"))
                #expect(again.exitCode == 0, "\(again.output)")
                #expect(try await uploadState(scenario, old) == .aborted)
                #expect(!onServer(scenario, old))
            }
        }

        @Test func uploadsAbortLeavesOtherHostsAndRunningJobsAlone() async throws {
            try await withScenario { scenario in
                let (_, idle) = try await openUpload(scenario, name: "idle.img", seed: 32)
                let (busyFile, busy) = try await openUpload(scenario, name: "busy.img", seed: 33)
                let foreign = try await scenario.client.initiateMultipartUpload(bucket: scenario.bucket, key: "foreign.img")
                let running = try await JobLock.acquire(scenario.lockKey(busyFile, key: "busy.img"), in: scenario.locks)
                let common = ["--endpoint", scenario.server.baseURL, "--region", "cn-hangzhou",
                              "--state-dir", scenario.stateDirectory, "--config", scenario.directory + "/hoist.toml",
                              "--location", "oss://images/"]

                let sweep = try await scenario.run(["uploads", "abort", "--older-than", "0s"] + common)
                #expect(sweep.exitCode == 0, "\(sweep.output)")
                #expect(sweep.stdout.contains("aborted \(idle)"), "\(sweep.output)")
                #expect(sweep.stderr.contains("skipped \(foreign.uploadId)"), "\(sweep.stderr)")
                #expect(sweep.stderr.contains("not started by this host"), "\(sweep.stderr)")
                #expect(sweep.stderr.contains("skipped \(busy)") && sweep.stderr.contains("is running"), "\(sweep.stderr)")
                #expect(!onServer(scenario, idle))
                #expect(onServer(scenario, busy) && onServer(scenario, foreign.uploadId))
                #expect(try await uploadState(scenario, idle) == .aborted)

                let named = try await scenario.run(["uploads", "abort", busy] + common)
                #expect(named.exitCode == 1, "\(named.output)")
                #expect(onServer(scenario, busy))

                running.release()
                let all = try await scenario.run(["uploads", "abort", "--older-than", "0s", "--all"] + common)
                #expect(all.exitCode == 0, "\(all.output)")
                #expect(scenario.server.uploads().isEmpty, "\(scenario.server.uploads().map(\.key))")
            }
        }
    }
}
