import Foundation

extension ResumableUpload {
    enum Completion {
        /// Done; `crc64` is the object's CRC-64 as Complete's answer gave it, if it did.
        case completed(crc64: UInt64?)
        /// The server refused the part list (`InvalidPart`), or the journal lacks a part.
        case partsMissing(reason: String)
        /// The upload ID is gone and the object does not match: start again.
        case gone
    }

    /// HEAD polls after an ambiguous Complete before the upload is declared gone.
    static let completionPolls = 4
    static let completionPollBackoff = Backoff(base: 0.5, cap: 4)

    /// CompleteMultipartUpload with the journaled parts.
    ///
    /// A Complete whose answer is lost (timeout, reset) is retried; a retry after a success gets
    /// `NoSuchUpload`, so that answer is settled by HeadObject: the expected size and CRC-64
    /// mean the earlier attempt succeeded (oss-multipart.md §4). OSS may still be assembling
    /// the object when the retry arrives, so an absent object is polled a few times, with
    /// back-off, before the upload counts as gone (which costs a full upload).
    func complete(job: inout JobRecord, uploadId: String, plan: PartPlan, location: ObjectLocation,
                  meter: UploadMeter) async throws -> Completion {
        let records = try await journal.completedParts(uploadId: uploadId)
        guard records.map(\.number) == Array(1...plan.partCount) else {
            return .partsMissing(reason: "the journal does not hold every part")
        }
        job = try await journal.updateState(jobId: job.id, to: .verifying)
        emit(.completing)
        let client = client
        let list = records.map { (partNumber: $0.number, etag: $0.etag) }
        let crc64: UInt64?
        do {
            crc64 = try await withRetries("CompleteMultipartUpload", meter: meter, location: location) {
                try await client.completeMultipartUpload(bucket: location.bucket, key: location.key,
                                                         uploadId: uploadId, parts: list)
            }.crc64
        } catch where RetryPolicy.classify(error) == .uploadGone {
            guard try await completedObjectAppears(location: location, size: plan.fileSize,
                                                   crc64: Self.combinedCRC(records)) else {
                return .gone
            }
            emit(.completionRecovered)
            crc64 = nil
        } catch let UploadFailure.rejected(error, _) where error.code == "InvalidPart" {
            return .partsMissing(reason: error.description)
        }
        try await journal.markUploadCompleted(uploadId: uploadId)
        return .completed(crc64: crc64)
    }

    /// Whether the object turns up with this size and CRC-64 within a few HEAD polls. An object
    /// that exists but differs settles it at once.
    private func completedObjectAppears(location: ObjectLocation, size: Int64, crc64: UInt64) async throws -> Bool {
        for poll in 1...Self.completionPolls {
            if let info = try await headIfExists(location: location) {
                return info.size == size && info.crc64 == crc64
            }
            guard poll < Self.completionPolls else { break }
            try await Task.sleep(for: .milliseconds(Int64(Self.completionPollBackoff.delay(attempt: poll) * 1000)))
        }
        return false
    }

    /// Verify before import (DESIGN.md §3): the object's CRC-64 must equal the CRC-64 combined
    /// from the journaled parts. `completedCRC64` is the CRC Complete's answer carried; with it
    /// no HeadObject is needed (a write-only policy may refuse HEAD). Without it, the object's
    /// size and `x-oss-hash-crc64ecma` come from HeadObject.
    func verify(job: inout JobRecord, uploadId: String, plan: PartPlan, location: ObjectLocation,
                meter: UploadMeter, run: RunState, completedCRC64: UInt64? = nil) async throws -> UploadOutcome {
        let records = try await journal.completedParts(uploadId: uploadId)
        let expected = Self.combinedCRC(records)
        let size: Int64, crc: UInt64?
        if let completedCRC64 {
            size = records.reduce(0) { $0 + $1.size }
            crc = completedCRC64
        } else {
            let client = client
            let info = try await withRetries("HeadObject", meter: meter, location: location) {
                try await client.headObject(bucket: location.bucket, key: location.key)
            }
            guard info.crc64 != nil else { throw UploadFailure.crcHeaderMissing(operation: "HeadObject") }
            size = info.size
            crc = info.crc64
        }
        guard records.count == plan.partCount, size == plan.fileSize, crc == expected else {
            throw UploadFailure.objectMismatch(location: location.description, expectedSize: plan.fileSize,
                                               actualSize: size, expectedCRC64: expected, actualCRC64: crc)
        }
        try await journal.recordObjectCRC(jobId: job.id, crc64: expected)
        job = try await journal.updateState(jobId: job.id, to: .uploaded)
        emit(.verified(crc64: expected))
        let totals = meter.totals
        return UploadOutcome(jobId: job.id, location: location, uploadId: uploadId, totalBytes: plan.fileSize,
                             partSize: plan.partSize, partCount: plan.partCount,
                             partsAlreadySafe: run.safePartsAtStart ?? 0, partsSent: totals.partsSent,
                             bytesSent: totals.bytesSent, bytesResent: totals.bytesResent, retries: totals.retries,
                             crc64: expected, duration: totals.elapsed, alreadyUploaded: false)
    }
}
