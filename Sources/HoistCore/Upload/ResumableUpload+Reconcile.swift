import Foundation

extension ResumableUpload {
    /// What the server and the journal agree on for an open upload.
    enum Reconciliation: Equatable {
        /// Parts safe in OSS, by number; the rest must be sent.
        case safe([Int: PartRecord])
        /// The upload ID is gone, but the object exists with exactly the expected size and
        /// CRC-64: an earlier Complete succeeded and its answer was lost.
        case completedEarlier
        /// The upload ID is gone (expired or aborted): start a new upload.
        case gone
    }

    /// Resume = reconcile (DESIGN.md §3): a part is trusted only when the journal recorded it
    /// where the plan puts it, and ListParts reports it with the same size, CRC-64 and ETag.
    /// Journal rows the server does not back are forgotten so those parts are sent again; server
    /// parts the journal does not know (a run died between the 200 and the commit) are replaced.
    func reconcile(uploadId: String, plan: PartPlan, location: ObjectLocation,
                   meter: UploadMeter) async throws -> Reconciliation {
        let client = client
        let journaled = try await journal.completedParts(uploadId: uploadId)
        let listed: [OSSPartInfo]
        do {
            listed = try await withRetries("ListParts", meter: meter, location: location) {
                try await client.listParts(bucket: location.bucket, key: location.key, uploadId: uploadId)
            }
        } catch where RetryPolicy.classify(error) == .uploadGone {
            if journaled.count == plan.partCount,
               try await objectMatches(location: location, size: plan.fileSize, crc64: Self.combinedCRC(journaled)) {
                return .completedEarlier
            }
            return .gone
        }
        let onServer = Dictionary(listed.map { ($0.partNumber, $0) }, uniquingKeysWith: { _, last in last })
        var safe: [Int: PartRecord] = [:]
        var untrusted: [Int] = []
        for record in journaled {
            guard let planned = plan.part(record.number), planned.offset == record.offset, planned.length == record.size,
                  let held = onServer[record.number], held.size == record.size, held.crc64 == record.crc64,
                  held.etag.caseInsensitiveCompare(record.etag) == .orderedSame else {
                untrusted.append(record.number)
                continue
            }
            safe[record.number] = record
        }
        if !untrusted.isEmpty {
            try await journal.forgetParts(uploadId: uploadId, numbers: untrusted)
            emit(.partsMissingOnServer(untrusted))
        }
        // Parts the server holds but the journal does not were sent by a run that died before
        // committing them; sending them again is the price of never trusting an unverified part.
        for part in listed where safe[part.partNumber] == nil && !untrusted.contains(part.partNumber) {
            if let planned = plan.part(part.partNumber) { meter.resent(bytes: planned.length) }
        }
        return .safe(safe)
    }

    /// Whether the object exists with exactly this size and CRC-64.
    func objectMatches(location: ObjectLocation, size: Int64, crc64: UInt64) async throws -> Bool {
        guard let info = try await headIfExists(location: location) else { return false }
        return info.size == size && info.crc64 == crc64
    }

    /// HeadObject with retries; `nil` when there is no such object.
    func headIfExists(location: ObjectLocation) async throws -> OSSObjectInfo? {
        let client = client
        do {
            return try await withRetries("HeadObject", meter: UploadMeter(), location: location) {
                try await client.headObject(bucket: location.bucket, key: location.key)
            }
        } catch let UploadFailure.rejected(error, _) where error.code == "NoSuchKey" {
            return nil
        }
    }

    /// The CRC-64 of the whole object, from the journaled part CRCs in part order.
    static func combinedCRC(_ parts: [PartRecord]) -> UInt64 {
        CRC64.combine(parts: parts.sorted { $0.number < $1.number }.map { (crc: $0.crc64, length: UInt64($0.size)) })
    }
}
