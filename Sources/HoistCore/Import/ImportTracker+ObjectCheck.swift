import Foundation

/// Verify before import (DESIGN.md §3) for jobs that did not come straight from a verified
/// upload: an import-only job (`hoist import`), a job an earlier upload left `verifying`, a
/// retried job. Only an object whose `x-oss-hash-crc64ecma` equals a reference CRC-64 is
/// imported. The reference is, in this order:
///
/// 1. the CRC journaled when this job's object was verified;
/// 2. the CRC combined from the parts of Hoist's latest completed upload of the same object
///    (also when that upload failed its check: such an object stays unimportable until it
///    matches);
/// 3. for an object Hoist did not upload, the CRC-64 of `--source-file`, computed locally.
///
/// With none of these there is nothing to check against, and the import is refused.
extension ImportTracker {
    /// What the object's CRC-64 must be, and words for where that value comes from.
    struct ObjectReference: Sendable {
        var crc64: UInt64
        var origin: String
        /// False when the value comes from an upload whose own object check never passed.
        var verified: Bool
    }

    /// Moves a job whose object is already in OSS to `uploaded`, through `verifying`, once the
    /// object matches its reference CRC-64 (and `expectedSize`, the source file's size, when
    /// given); the matched CRC is journaled on the job, so `hoist retry` checks against it later.
    /// A job already `uploaded` with no import started is checked again (the object may have
    /// been overwritten since) but not moved. Jobs further along are left alone.
    ///
    /// Without an OSS client (`--skip-object-check`) nothing is read from OSS; an object whose
    /// journaled upload never passed its check is still refused.
    public func markUploaded(jobId: String, sourceFile: String? = nil, expectedSize: Int64? = nil) async throws {
        try await translatingErrors {
            let job = try await requireJob(jobId)
            let importStarted = try await journal.latestImport(jobId: jobId) != nil
            switch job.state {
            case .pending, .verifying: break
            case .uploaded where !importStarted: break
            default: return
            }
            let object = ObjectLocation(bucket: job.bucket, key: job.key)
            // Checked while still pending: a typo in the key must not leave the job in a state
            // it cannot move back from.
            if let oss {
                let info: OSSObjectInfo
                do {
                    info = try await oss.headObject(bucket: job.bucket, key: job.key)
                } catch let error as OSSError {
                    throw ImportError.objectUnavailable(object, reason: "\(error.code): \(error.message)")
                }
                if let expectedSize, info.size != expectedSize {
                    throw ImportError.objectUnavailable(
                        object, reason: "it has \(info.size) bytes but the source file has \(expectedSize); upload the file again")
                }
                guard let reference = try await reference(for: job, object: object, sourceFile: sourceFile) else {
                    throw ImportError.usage(
                        "\(object) was not uploaded by Hoist, so there is no CRC-64 to check it against: pass --source-file "
                        + "with the image it was uploaded from (its CRC-64 is computed locally); nothing was sent to ECS")
                }
                guard info.crc64 == reference.crc64 else {
                    throw ImportError.objectMismatch(object, objectCRC64: info.crc64, expectedCRC64: reference.crc64,
                                                     reference: reference.origin)
                }
                if job.objectCRC64 != reference.crc64 { try await journal.recordObjectCRC(jobId: jobId, crc64: reference.crc64) }
            } else {
                if let reference = try await reference(for: job, object: object, sourceFile: nil), !reference.verified {
                    throw ImportError.objectMismatch(object, objectCRC64: nil, expectedCRC64: reference.crc64,
                                                     reference: reference.origin + " (that upload never passed its check)")
                }
                emit(.warning("\(object) was not checked against a CRC-64 (--skip-object-check)"))
            }
            guard job.state != .uploaded else { return }
            try await journal.updateState(jobId: jobId, to: .verifying)
            try await journal.updateState(jobId: jobId, to: .uploaded)
        }
    }

    /// The reference CRC-64 for `job`'s object, or nil when nothing is known to check against.
    func reference(for job: JobRecord, object: ObjectLocation, sourceFile: String?) async throws -> ObjectReference? {
        if let crc = job.objectCRC64 {
            return ObjectReference(crc64: crc, origin: "the CRC-64 journaled when job \(job.id) verified it", verified: true)
        }
        let uploads = try await journal.uploads(in: .completed).filter { $0.bucket == object.bucket && $0.key == object.key }
        if let latest = uploads.max(by: { ($0.finishedAt ?? $0.initiatedAt) < ($1.finishedAt ?? $1.initiatedAt) }) {
            let crc = ResumableUpload.combinedCRC(try await journal.completedParts(uploadId: latest.uploadId))
            let uploader = try await journal.job(id: latest.jobId)
            return ObjectReference(crc64: crc, origin: "the CRC-64 combined from the parts Hoist uploaded (job \(latest.jobId))",
                                   verified: uploader?.objectCRC64 == crc)
        }
        guard let sourceFile else { return nil }
        return ObjectReference(crc64: try Self.crc64(ofFile: sourceFile), origin: "the CRC-64 of --source-file \(sourceFile)",
                               verified: true)
    }

    /// The CRC-64 of a whole local file, read in bounded chunks by the upload's own reader.
    static func crc64(ofFile path: String) throws(ImportError) -> UInt64 {
        do {
            let file = try SourceFile(path: path)
            return try file.crc64(of: PartPlan.Part(number: 1, offset: 0, length: file.identity.size))
        } catch {
            throw .usage("cannot compute the CRC-64 of \(path): \(error.description)")
        }
    }
}

extension ImportTracker {
    /// Before a run sends the first ImportImage of a job it did not verify itself (a job an
    /// earlier run left `uploaded`, or `importing` with an attempt ECS never answered): the
    /// object must still hold the bytes that were verified. A later build of the same key may
    /// have overwritten it meanwhile, and importing then would tag another build's bytes with
    /// this job's CRC-64. On a mismatch the open attempt ends `failed` (its token is never sent)
    /// and `objectMismatch` is thrown. Without an OSS client, or with nothing to send, a no-op.
    public func confirmObjectUnchanged(jobId: String) async throws {
        try await translatingErrors {
            guard let objectLookup else { return }
            let job = try await requireJob(jobId)
            guard let crc = job.objectCRC64, job.state == .uploaded || job.state == .importing else { return }
            let latest = try await journal.latestImport(jobId: jobId)
            if let latest, latest.imageId != nil || latest.attemptState.isFinal { return }
            let info: OSSObjectInfo
            do {
                info = try await objectLookup.headObject(bucket: job.bucket, key: job.key)
            } catch let error as OSSError {
                throw ImportError.objectUnavailable(job.location, reason: "\(error.code): \(error.message)")
            }
            guard info.crc64 != crc else { return }
            let mismatch = ImportError.objectMismatch(
                job.location, objectCRC64: info.crc64, expectedCRC64: crc,
                reference: "the CRC-64 journaled when job \(jobId) verified it (a later upload to the same key?)")
            if let latest { _ = try await finish(latest, as: .failed, reason: mismatch.description) }
            throw mismatch
        }
    }
}
