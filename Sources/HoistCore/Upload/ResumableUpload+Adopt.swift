import Foundation

extension ResumableUpload {
    /// Rebuilds a lost journal from OSS: when a job has never had an upload in this journal (a
    /// new job, or a journal moved aside because it was damaged), looks for an open multipart
    /// upload of the same object (ListMultipartUploads) and adopts the one that holds the most
    /// bytes of *this* file. Its parts are journaled only where ListParts reports the size the
    /// plan gives that part number and the CRC-64 of the local bytes there (computed now); the
    /// rest are sent as usual. Returns whether an upload was adopted; the caller then starts its
    /// pass again, and the normal reconcile (journal and ListParts must agree) takes over.
    ///
    /// Invariant: nothing is trusted that was not checked against the local file, so adopting a
    /// stranger's upload of the same key can cost resends but never a wrong object.
    func adoptOpenUpload(jobId: String, plan: PartPlan, location: ObjectLocation, source: SourceFile,
                         meter: UploadMeter) async throws -> Bool {
        guard try await journal.uploads(jobId: jobId).isEmpty else { return false }
        let client = client
        let candidates: [OSSUploadInfo]
        do {
            candidates = try await withRetries("ListMultipartUploads", meter: meter, location: location) {
                try await client.listMultipartUploads(bucket: location.bucket, prefix: location.key)
            }.filter { $0.key == location.key }
        } catch UploadFailure.rejected {
            // Adoption only saves resends: credentials without oss:ListMultipartUploads upload
            // as before, from scratch.
            return false
        }
        var best: (upload: OSSUploadInfo, parts: [AdoptedPart], bytes: Int64)?
        for candidate in candidates {
            let listed: [OSSPartInfo]
            do {
                listed = try await withRetries("ListParts", meter: meter, location: location) {
                    try await client.listParts(bucket: location.bucket, key: location.key, uploadId: candidate.uploadId)
                }
            } catch where RetryPolicy.classify(error) == .uploadGone {
                continue
            }
            let kept = try matchingParts(listed, plan: plan, source: source)
            let bytes = kept.reduce(Int64(0)) { $0 + $1.part.length }
            if bytes > 0, bytes > best?.bytes ?? 0 { best = (candidate, kept, bytes) }
        }
        guard let best else { return false }
        try await journal.recordUpload(jobId: jobId, uploadId: best.upload.uploadId, partSize: plan.partSize,
                                       partCount: plan.partCount, initiatedAt: best.upload.initiated ?? Date())
        for kept in best.parts {
            try await journal.recordPart(uploadId: best.upload.uploadId, number: kept.part.number, offset: kept.part.offset,
                                         size: kept.part.length, etag: kept.etag, crc64: kept.crc64)
        }
        emit(.adoptedUpload(uploadId: best.upload.uploadId, partsKept: best.parts.count))
        return true
    }

    /// A listed part whose size and CRC-64 equal the local file's part of that number.
    struct AdoptedPart {
        var part: PartPlan.Part
        var etag: String
        var crc64: UInt64
    }

    /// The listed parts that are the local file's bytes, checked by size, then by CRC-64 read
    /// from the file (only for parts whose size already matches).
    func matchingParts(_ listed: [OSSPartInfo], plan: PartPlan, source: SourceFile) throws(UploadFailure) -> [AdoptedPart] {
        var kept: [AdoptedPart] = []
        for info in listed {
            try Task.checkCancellationAsUploadFailure()
            guard let part = plan.part(info.partNumber), part.length == info.size, let crc = info.crc64 else { continue }
            if try source.crc64(of: part) == crc {
                kept.append(AdoptedPart(part: part, etag: info.etag, crc64: crc))
            }
        }
        return kept
    }
}

extension Task where Success == Never, Failure == Never {
    /// `checkCancellation` in the engine's own error type: reading a large file to check parts
    /// stops promptly on Ctrl-C.
    static func checkCancellationAsUploadFailure() throws(UploadFailure) {
        if Task.isCancelled { throw .interrupted }
    }
}
