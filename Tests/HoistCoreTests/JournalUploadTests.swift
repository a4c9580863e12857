import Foundation
import GRDB
import Testing
@testable import HoistCore

@Suite struct JournalUploadTests {
    static let MiB: Int64 = 1024 * 1024

    /// A journal with one job and one open 16-part upload of 1 MiB parts.
    func makeUpload(_ dir: ScratchDirectory) async throws -> (UploadJournal, JobRecord, UploadRecord) {
        let journal = try dir.journal()
        let job = try await journal.createJob(JournalSamples.newJob())
        let upload = try await journal.recordUpload(jobId: job.id, uploadId: "0004B9894A22E5B1888A1E29F823****",
                                                    partSize: Self.MiB, partCount: 16)
        return (journal, job, upload)
    }

    @Test func uploadIdRoundTrips() async throws {
        let dir = try ScratchDirectory()
        let (journal, job, upload) = try await makeUpload(dir)
        #expect(upload.state == .open)
        #expect(upload.bucket == job.bucket && upload.key == job.key)
        #expect(upload.partSize == Self.MiB && upload.partCount == 16)
        #expect(try await journal.openUpload(jobId: job.id) == upload)
        #expect(try await journal.upload(id: upload.uploadId) == upload)
        // Recording the same ID again (a retried call) is harmless.
        let again = try await journal.recordUpload(jobId: job.id, uploadId: upload.uploadId, partSize: Self.MiB,
                                                   partCount: 16)
        #expect(again == upload)
        #expect(try await journal.uploads(jobId: job.id).count == 1)
    }

    @Test func partsRoundTripIncludingHugeCRCs() async throws {
        let dir = try ScratchDirectory()
        let (journal, _, upload) = try await makeUpload(dir)
        let crcs: [UInt64] = [0xFFFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000, 0, 0x7FFF_FFFF_FFFF_FFFF, 0x9D5B_8F2E_0123_4567]
        for (index, crc) in crcs.enumerated() {
            let number = index + 1
            try await journal.recordPart(uploadId: upload.uploadId, number: number, offset: Int64(index) * Self.MiB,
                                         size: Self.MiB, etag: "\"ETAG\(number)\"", crc64: crc)
        }
        let parts = try await journal.completedParts(uploadId: upload.uploadId)
        #expect(parts.map(\.number) == [1, 2, 3, 4, 5])
        #expect(parts.map(\.crc64) == crcs)
        #expect(parts[1].offset == Self.MiB && parts[1].size == Self.MiB && parts[1].etag == "\"ETAG2\"")
        // What is on disk is the same 64 bits, not a rounded or clamped value.
        let raw = try await journal.pool.read { db in
            try Int64.fetchOne(db, sql: "SELECT crc64 FROM parts WHERE part_number = 1")
        }
        #expect(raw == -1)
    }

    @Test func reRecordingAPartReplacesIt() async throws {
        let dir = try ScratchDirectory()
        let (journal, _, upload) = try await makeUpload(dir)
        try await journal.recordPart(uploadId: upload.uploadId, number: 16, offset: 15 * Self.MiB, size: 1000,
                                     etag: "\"OLD\"", crc64: 1)
        try await journal.recordPart(uploadId: upload.uploadId, number: 16, offset: 15 * Self.MiB, size: 1000,
                                     etag: "\"NEW\"", crc64: 0x8000_0000_0000_0000)
        let plan = try PartPlan(fileSize: 15 * Self.MiB + 1000, recordedPartSize: Self.MiB)
        try await journal.recordPart(uploadId: upload.uploadId, part: plan.part(16)!, etag: "\"NEW\"",
                                     crc64: 0x8000_0000_0000_0000)
        let parts = try await journal.completedParts(uploadId: upload.uploadId)
        #expect(parts.count == 1)
        #expect(parts.first?.etag == "\"NEW\"" && parts.first?.crc64 == 0x8000_0000_0000_0000)
    }

    @Test func misplacedPartsAreRefused() async throws {
        let dir = try ScratchDirectory()
        let (journal, _, upload) = try await makeUpload(dir)
        let id = upload.uploadId
        for (number, offset, size) in [(0, Int64(0), Self.MiB), (17, 16 * Self.MiB, 1), (2, 0, Self.MiB),
                                       (1, 0, Self.MiB + 1), (1, 0, 0)] {
            await #expect(throws: JournalError.self) {
                try await journal.recordPart(uploadId: id, number: number, offset: offset, size: size, etag: "e", crc64: 0)
            }
        }
        await #expect(throws: JournalError.uploadNotFound("nope")) {
            try await journal.recordPart(uploadId: "nope", number: 1, offset: 0, size: 1, etag: "e", crc64: 0)
        }
        #expect(try await journal.completedParts(uploadId: id).isEmpty)
    }

    @Test func forgetPartsRemovesOnlyThose() async throws {
        let dir = try ScratchDirectory()
        let (journal, _, upload) = try await makeUpload(dir)
        for number in 1...6 {
            try await journal.recordPart(uploadId: upload.uploadId, number: number, offset: Int64(number - 1) * Self.MiB,
                                         size: Self.MiB, etag: "e\(number)", crc64: UInt64(number))
        }
        let removed = try await journal.forgetParts(uploadId: upload.uploadId, numbers: [2, 4, 4, 9])
        #expect(removed == 2)
        #expect(try await journal.completedParts(uploadId: upload.uploadId).map(\.number) == [1, 3, 5, 6])
    }

    @Test func completedAndAbortedUploadsTakeNoParts() async throws {
        let dir = try ScratchDirectory()
        let (journal, job, upload) = try await makeUpload(dir)
        try await journal.recordPart(uploadId: upload.uploadId, number: 1, offset: 0, size: Self.MiB, etag: "e", crc64: 9)
        try await journal.markUploadCompleted(uploadId: upload.uploadId)
        try await journal.markUploadCompleted(uploadId: upload.uploadId)  // idempotent
        #expect(try await journal.upload(id: upload.uploadId)?.state == .completed)
        #expect(try await journal.upload(id: upload.uploadId)?.finishedAt != nil)
        #expect(try await journal.openUpload(jobId: job.id) == nil)
        await #expect(throws: JournalError.uploadNotOpen(uploadId: upload.uploadId, state: .completed)) {
            try await journal.recordPart(uploadId: upload.uploadId, number: 2, offset: Self.MiB, size: 1, etag: "e",
                                         crc64: 0)
        }
        await #expect(throws: JournalError.uploadNotOpen(uploadId: upload.uploadId, state: .completed)) {
            try await journal.markUploadAborted(uploadId: upload.uploadId)
        }
        // The completed upload keeps its parts: the object check combines their CRCs.
        #expect(try await journal.completedParts(uploadId: upload.uploadId).count == 1)

        let second = try await journal.recordUpload(jobId: job.id, uploadId: "second", partSize: Self.MiB, partCount: 2)
        try await journal.markUploadAborted(uploadId: second.uploadId)
        #expect(try await journal.uploads(in: .aborted).map(\.uploadId) == ["second"])
        #expect(try await journal.uploads(in: .open).isEmpty)
    }

    @Test func concurrentPartsFromSixteenTasksAllLand() async throws {
        let dir = try ScratchDirectory()
        let (journal, _, upload) = try await makeUpload(dir)
        let id = upload.uploadId
        try await withThrowingTaskGroup(of: Void.self) { group in
            for number in 1...16 {
                group.addTask {
                    try await journal.recordPart(uploadId: id, number: number, offset: Int64(number - 1) * Self.MiB,
                                                 size: Self.MiB, etag: "e\(number)", crc64: UInt64.max - UInt64(number))
                }
            }
            try await group.waitForAll()
        }
        let parts = try await journal.completedParts(uploadId: id)
        #expect(parts.map(\.number) == Array(1...16))
        #expect(parts.allSatisfy { $0.crc64 == UInt64.max - UInt64($0.number) })
    }

    @Test func aCancelledCallerStillRecordsItsPart() async throws {
        let dir = try ScratchDirectory()
        let (journal, _, upload) = try await makeUpload(dir)
        let id = upload.uploadId
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await journal.recordPart(uploadId: id, number: 1, offset: 0, size: Self.MiB, etag: "e", crc64: 1)
        }
        try await task.value
        #expect(try await journal.completedParts(uploadId: id).count == 1)
    }
}
