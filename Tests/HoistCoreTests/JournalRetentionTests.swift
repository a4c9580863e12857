import Foundation
import Testing
@testable import HoistCore

/// Retention: ended jobs leave the journal with everything they own; running ones and those whose
/// parts may still be billed stay.
@Suite struct JournalRetentionTests {
    @Test func endedJobsArePrunedAndJobsWithPartsInOSSAreKept() async throws {
        let scratch = try ScratchDirectory()
        let journal = try scratch.journal()
        func job(_ name: String, to states: [JobState]) async throws -> JobRecord {
            let job = try await journal.createJob(JournalSamples.newJob(path: "/in/\(name)", key: name))
            for state in states { try await journal.updateState(jobId: job.id, to: state) }
            return job
        }
        let done = try await job("done.raw", to: [.uploading, .verifying, .uploaded, .importing, .available])
        try await journal.recordImport(ImportRecord(clientToken: "hoist-t", jobId: done.id, region: "r", imageName: "n",
                                                    state: "Available"))
        let cancelled = try await job("cancelled.raw", to: [.uploading, .verifying, .uploaded, .importing, .cancelled])
        let running = try await job("running.raw", to: [.uploading])
        let billed = try await job("billed.raw", to: [.uploading])
        try await journal.recordUpload(jobId: billed.id, uploadId: "u-open", partSize: 1 << 20, partCount: 4)
        try await journal.updateState(jobId: billed.id, to: .failed, error: "gave up")

        let later = Date().addingTimeInterval(60)
        let preview = try await journal.pruneJobs(endedBefore: later, dryRun: true)
        #expect(Set(preview.map(\.id)) == [done.id, cancelled.id])
        #expect(try await journal.jobs().count == 4, "a dry run removes nothing")

        let removed = try await journal.pruneJobs(endedBefore: later)
        #expect(Set(removed.map(\.id)) == [done.id, cancelled.id])
        #expect(Set(try await journal.jobs().map(\.id)) == [running.id, billed.id])
        #expect(try await journal.imports(jobId: done.id).isEmpty, "its import attempts went with it")
        #expect(try await journal.pruneJobs(endedBefore: Date().addingTimeInterval(-3600)).isEmpty, "nothing older")
    }
}
