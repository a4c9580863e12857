import Foundation
import Testing
@testable import HoistCore

@Suite struct JournalImportTests {
    @Test func importIsRecordedBeforeTheCallAndUpdatedAfter() async throws {
        let journal = try ScratchDirectory().journal()
        let job = try await journal.createJob(JournalSamples.newJob())
        let created = Date(timeIntervalSince1970: 1_700_000_000.5)
        let pending = ImportRecord(clientToken: "0c593ea1-3bea-11e9-b96b-88e9fe637760", jobId: job.id,
                                   region: "cn-hangzhou", imageName: "ubuntu-22.04-custom_v1", state: "Pending",
                                   parametersJSON: #"{"Platform":"Ubuntu"}"#, createdAt: created)
        let stored = try await journal.recordImport(pending)
        #expect(stored.taskId == nil && stored.createdAt == pending.createdAt)

        var running = stored
        running.taskId = "t-123"
        running.imageId = "m-456"
        running.state = "Creating"
        running.progress = 40
        let updated = try await journal.recordImport(running)
        #expect(updated.taskId == "t-123" && updated.imageId == "m-456" && updated.progress == 40)
        #expect(updated.createdAt == stored.createdAt, "creation time is kept")
        #expect(try await journal.importRecord(clientToken: pending.clientToken) == updated)
        #expect(try await journal.imports(jobId: job.id).count == 1)

        let retry = ImportRecord(clientToken: "second-token", jobId: job.id, region: "cn-hangzhou",
                                 imageName: "ubuntu-22.04-custom_v1", state: "Pending",
                                 createdAt: created.addingTimeInterval(60))
        try await journal.recordImport(retry)
        #expect(try await journal.latestImport(jobId: job.id)?.clientToken == "second-token")
        #expect(try await journal.imports(jobId: job.id).map(\.clientToken) == [pending.clientToken, "second-token"])
    }

    @Test func aTokenCannotMoveToAnotherJob() async throws {
        let journal = try ScratchDirectory().journal()
        let a = try await journal.createJob(JournalSamples.newJob())
        let b = try await journal.createJob(JournalSamples.newJob(key: "b"))
        try await journal.recordImport(ImportRecord(clientToken: "tok", jobId: a.id, region: "r", imageName: "i",
                                                    state: "Pending"))
        await #expect(throws: JournalError.self) {
            try await journal.recordImport(ImportRecord(clientToken: "tok", jobId: b.id, region: "r", imageName: "i",
                                                        state: "Creating"))
        }
        #expect(try await journal.importRecord(clientToken: "tok")?.state == "Pending", "the refused write rolled back")
    }

    @Test func progressOutsidePercentIsRefused() async throws {
        let journal = try ScratchDirectory().journal()
        let job = try await journal.createJob(JournalSamples.newJob())
        await #expect(throws: (any Error).self) {
            try await journal.recordImport(ImportRecord(clientToken: "t", jobId: job.id, region: "r", imageName: "i",
                                                        state: "Creating", progress: 101))
        }
    }
}
