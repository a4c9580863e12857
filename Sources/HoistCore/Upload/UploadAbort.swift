/// Aborts multipart uploads whose parts are not wanted, and records in the journal only what
/// OSS confirmed.
///
/// Parts of an upload are stored and billed until it is aborted. An abort that OSS did not
/// confirm (a timeout, a 5xx, a lost network) therefore must not be written down as done: the
/// upload is marked `aborting` instead, and the next run of its job or `hoist uploads abort`
/// tries again. `NoSuchUpload` counts as confirmed: the upload is gone either way.
public struct UploadAbort: Sendable {
    let client: OSSClient
    let journal: UploadJournal

    public init(client: OSSClient, journal: UploadJournal) {
        self.client = client
        self.journal = journal
    }

    public enum Outcome: Sendable, Equatable {
        /// OSS aborted it now.
        case aborted
        /// OSS no longer knew it (`NoSuchUpload`): expired or aborted earlier.
        case alreadyGone
        /// Not confirmed; kept as `aborting` in the journal to be tried again.
        case pending(reason: String)
    }

    /// Aborts one upload. Never throws: a failure is recorded and reported, not raised, since
    /// the caller (a run starting over, an operator sweep) goes on either way.
    ///
    /// A failure is tried `attempts` times in all, a short pause between (an abort is one small
    /// request; a longer outage is left to the next run rather than holding this one up).
    @discardableResult
    public func abort(uploadId: String, location: ObjectLocation, attempts: Int = 3,
                      pause: Duration = .milliseconds(500)) async -> Outcome {
        var reason = ""
        for attempt in 1...max(1, attempts) {
            do {
                try await client.abortMultipartUpload(bucket: location.bucket, key: location.key, uploadId: uploadId)
                try? await journal.markUploadAborted(uploadId: uploadId)
                return .aborted
            } catch where RetryPolicy.classify(error) == .uploadGone {
                try? await journal.markUploadAborted(uploadId: uploadId)
                return .alreadyGone
            } catch {
                reason = RetryPolicy.describe(error)
                guard RetryPolicy.classify(error) != .cancelled, attempt < attempts else { break }
                try? await Task.sleep(for: pause * attempt)
            }
        }
        try? await journal.markUploadAborting(uploadId: uploadId)
        return .pending(reason: reason)
    }

    /// Tries again every abort the journal holds as pending for `jobId` (every job when nil).
    /// Returns the uploads still pending.
    @discardableResult
    public func retryPending(jobId: String? = nil) async -> [UploadRecord] {
        guard let pending = try? await journal.uploads(in: .aborting) else { return [] }
        var left: [UploadRecord] = []
        for upload in pending where jobId == nil || upload.jobId == jobId {
            let location = ObjectLocation(bucket: upload.bucket, key: upload.key)
            if case .pending = await abort(uploadId: upload.uploadId, location: location) { left.append(upload) }
        }
        return left
    }
}
