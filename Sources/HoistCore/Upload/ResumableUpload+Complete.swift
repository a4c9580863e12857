import Foundation

extension ResumableUpload {
    enum Completion {
        case completed
        /// The server refused the part list (`InvalidPart`): some part is not there after all.
        case partsMissing
        /// The upload ID is gone and the object does not match: start again.
        case gone
    }

    /// CompleteMultipartUpload with the journaled parts.
    ///
    /// A Complete whose answer is lost (timeout, reset) is retried; a retry after a success gets
    /// `NoSuchUpload`, so that answer is settled by HeadObject: the expected size and CRC-64
    /// mean the earlier attempt succeeded (oss-multipart.md §4).
    func complete(job: inout JobRecord, uploadId: String, plan: PartPlan, location: ObjectLocation,
                  meter: UploadMeter) async throws -> Completion {
        let records = try await journal.completedParts(uploadId: uploadId)
        guard records.map(\.number) == Array(1...plan.partCount) else { return .partsMissing }
        job = try await journal.updateState(jobId: job.id, to: .verifying)
        emit(.completing)
        let client = client
        let list = records.map { (partNumber: $0.number, etag: $0.etag) }
        do {
            _ = try await withRetries("CompleteMultipartUpload", meter: meter) {
                try await client.completeMultipartUpload(bucket: location.bucket, key: location.key,
                                                         uploadId: uploadId, parts: list)
            }
        } catch where RetryPolicy.classify(error) == .uploadGone {
            guard try await objectMatches(location: location, size: plan.fileSize, crc64: Self.combinedCRC(records)) else {
                return .gone
            }
            emit(.completionRecovered)
        } catch let UploadFailure.rejected(error, _) where error.code == "InvalidPart" {
            return .partsMissing
        }
        try await journal.markUploadCompleted(uploadId: uploadId)
        return .completed
    }

    /// Verify before import (DESIGN.md §3): the object's size and `x-oss-hash-crc64ecma` must
    /// equal the file size and the CRC-64 combined from the journaled parts.
    func verify(job: inout JobRecord, uploadId: String, plan: PartPlan, location: ObjectLocation,
                meter: UploadMeter, run: RunState) async throws -> UploadOutcome {
        let records = try await journal.completedParts(uploadId: uploadId)
        let expected = Self.combinedCRC(records)
        let client = client
        let info = try await withRetries("HeadObject", meter: meter) {
            try await client.headObject(bucket: location.bucket, key: location.key)
        }
        guard records.count == plan.partCount, info.size == plan.fileSize, info.crc64 == expected else {
            throw UploadFailure.objectMismatch(location: location.description, expectedSize: plan.fileSize,
                                               actualSize: info.size, expectedCRC64: expected, actualCRC64: info.crc64)
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
