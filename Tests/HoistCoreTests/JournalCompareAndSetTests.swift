import Foundation
import Testing
@testable import HoistCore

/// State changes are compare-and-set: a writer acting on a stale view changes nothing.
@Suite struct JournalCompareAndSetTests {
    @Test func aStaleExpectedStateChangesNothing() async throws {
        let scratch = try ScratchDirectory()
        let journal = try scratch.journal()
        let job = try await journal.createJob(JournalSamples.newJob())
        try await journal.updateState(jobId: job.id, from: .pending, to: .uploading)
        await #expect(throws: JournalError.stateConflict(jobId: job.id, expected: .pending, actual: .uploading)) {
            try await journal.updateState(jobId: job.id, from: .pending, to: .failed, error: "stale")
        }
        let stored = try #require(try await journal.job(id: job.id))
        #expect(stored.state == .uploading)
        #expect(stored.error == nil)
        #expect(JournalError.isConflict(JournalError.stateConflict(jobId: job.id, expected: .pending, actual: .uploading)))
    }

    @Test func theExpectedStateMoves() async throws {
        let scratch = try ScratchDirectory()
        let journal = try scratch.journal()
        let job = try await journal.createJob(JournalSamples.newJob())
        let moved = try await journal.updateState(jobId: job.id, from: .pending, to: .uploading)
        #expect(moved.state == .uploading)
        await #expect(throws: JournalError.invalidTransition(jobId: job.id, from: .uploading, to: .available)) {
            try await journal.updateState(jobId: job.id, from: .uploading, to: .available)
        }
    }

    @Test func aPendingAbortTakesNoPartsAndCanBeConfirmedLater() async throws {
        let scratch = try ScratchDirectory()
        let journal = try scratch.journal()
        let job = try await journal.createJob(JournalSamples.newJob())
        try await journal.recordUpload(jobId: job.id, uploadId: "u1", partSize: 1024 * 1024, partCount: 10)
        try await journal.markUploadAborting(uploadId: "u1")
        #expect(try await journal.upload(id: "u1")?.state == .aborting)
        #expect(try await journal.openUpload(jobId: job.id) == nil)
        #expect(try await journal.uploads(in: .aborting).map(\.uploadId) == ["u1"])
        await #expect(throws: JournalError.uploadNotOpen(uploadId: "u1", state: .aborting)) {
            try await journal.recordPart(uploadId: "u1", number: 1, offset: 0, size: 1024 * 1024, etag: "e", crc64: 1)
        }
        await #expect(throws: JournalError.uploadNotOpen(uploadId: "u1", state: .aborting)) {
            try await journal.markUploadCompleted(uploadId: "u1")
        }
        try await journal.markUploadAborted(uploadId: "u1")
        #expect(try await journal.upload(id: "u1")?.state == .aborted)
        await #expect(throws: JournalError.uploadNotOpen(uploadId: "u1", state: .aborted)) {
            try await journal.markUploadAborting(uploadId: "u1")
        }
    }
}
