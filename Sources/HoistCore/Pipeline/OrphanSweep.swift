import Foundation

/// `hoist uploads abort`: aborts unfinished multipart uploads that nobody will complete, and
/// only those this host may decide about.
///
/// Rules, in order, for each upload OSS lists:
/// - an upload this host's journal did not start is someone else's (another host, another
///   tool) and is left alone unless `includeForeign` (`--all`);
/// - an upload whose job is running (its `JobLock` is held) is left alone: the runner owns it.
///   The lock is held while the abort is sent, so the job cannot start meanwhile;
/// - otherwise it is aborted through `UploadAbort`, which records only what OSS confirmed.
public struct OrphanSweep: Sendable {
    let client: OSSClient
    let journal: UploadJournal
    let locks: LockDirectory

    public init(client: OSSClient, journal: UploadJournal, locks: LockDirectory) {
        self.client = client
        self.journal = journal
        self.locks = locks
    }

    /// What happened to one listed upload.
    public enum Disposition: Sendable, Equatable {
        case aborted
        /// OSS no longer knew it by the time the abort arrived.
        case alreadyGone
        /// OSS did not confirm the abort; a journaled upload stays `aborting` for the next try.
        case notConfirmed(reason: String)
        /// Not started by this host's journal, and `includeForeign` was not given.
        case notOurs
        /// Its job is running now in another process.
        case running(jobId: String, holder: JobLockHolder?)
    }

    public struct Entry: Sendable, Equatable {
        public var upload: OSSUploadInfo
        public var disposition: Disposition
    }

    /// Of `listed`, the uploads an operator's filter chose (`chosen`), plus those the journal
    /// holds as `aborting`: their abort is already decided, only unconfirmed.
    public func targets(_ listed: [OSSUploadInfo], chosen: (OSSUploadInfo) -> Bool) async throws -> [OSSUploadInfo] {
        let pending = Set(try await journal.uploads(in: .aborting).map(\.uploadId))
        return listed.filter { chosen($0) || pending.contains($0.uploadId) }
    }

    /// Applies the rules above to each of `uploads` in `bucket`, one at a time.
    public func abort(_ uploads: [OSSUploadInfo], bucket: String, includeForeign: Bool) async throws -> [Entry] {
        var entries: [Entry] = []
        for upload in uploads {
            entries.append(Entry(upload: upload, disposition: try await abort(upload, bucket: bucket,
                                                                              includeForeign: includeForeign)))
        }
        return entries
    }

    private func abort(_ upload: OSSUploadInfo, bucket: String, includeForeign: Bool) async throws -> Disposition {
        let location = ObjectLocation(bucket: bucket, key: upload.key)
        let aborter = UploadAbort(client: client, journal: journal)
        guard let record = try await journal.upload(id: upload.uploadId),
              let job = try await journal.job(id: record.jobId) else {
            guard includeForeign else { return .notOurs }
            return Self.disposition(await aborter.abort(uploadId: upload.uploadId, location: location))
        }
        let lock: JobLock
        do {
            lock = try await JobLock.acquire(JobLockKey(job: job), in: locks)
        } catch let JobLockError.held(_, holder) {
            return .running(jobId: job.id, holder: holder)
        }
        defer { lock.release() }
        return Self.disposition(await aborter.abort(uploadId: upload.uploadId, location: location))
    }

    static func disposition(_ outcome: UploadAbort.Outcome) -> Disposition {
        switch outcome {
        case .aborted: .aborted
        case .alreadyGone: .alreadyGone
        case .pending(let reason): .notConfirmed(reason: reason)
        }
    }
}
