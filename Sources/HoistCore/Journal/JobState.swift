/// Where a job is in its life, as stored in `jobs.state`.
///
/// The happy path is `pending → uploading → verifying → uploaded → importing → available`:
/// `verifying` covers CompleteMultipartUpload and the object CRC check, so `uploaded` always
/// means "the object is in OSS and its CRC matched" and is the end state of a job without an
/// import. The journal rejects other moves so that a bug cannot, for example, import an
/// object that was never verified.
public enum JobState: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case pending
    case uploading
    case uploaded
    case verifying
    case importing
    case available
    case failed
    case cancelled

    public var description: String { rawValue }

    /// States that need no more work unless an operator asks (`hoist retry`).
    public var isFinal: Bool {
        switch self {
        case .uploaded, .available, .failed, .cancelled: true
        case .pending, .uploading, .verifying, .importing: false
        }
    }

    /// Whether a job may move from `self` to `next`.
    ///
    /// Staying in the same state is always allowed: a resumed run re-asserts the state it was
    /// in when the process died.
    public func canMove(to next: JobState) -> Bool {
        if next == self { return true }
        switch (self, next) {
        // Any unfinished job can fail or be cancelled.
        case (.pending, .failed), (.uploading, .failed), (.verifying, .failed), (.importing, .failed),
            (.uploaded, .failed):
            return true
        case (.pending, .cancelled), (.uploading, .cancelled), (.verifying, .cancelled),
            (.importing, .cancelled), (.uploaded, .cancelled):
            return true
        // A retried job whose object is already complete goes straight to the CRC check.
        case (.pending, .uploading), (.pending, .verifying):
            return true
        // Verification fails over to uploading when Complete finds parts missing on the server.
        case (.uploading, .verifying), (.verifying, .uploading), (.verifying, .uploaded):
            return true
        case (.uploaded, .importing), (.importing, .available):
            return true
        // `hoist retry`: start again from the top; the pipeline skips what is already done.
        case (.failed, .pending), (.cancelled, .pending):
            return true
        default:
            return false
        }
    }
}

/// The life of one multipart upload ID, as stored in `uploads.state`.
public enum UploadState: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// Initiated and not yet completed or aborted: parts may still be recorded.
    case open
    /// CompleteMultipartUpload succeeded; the object exists.
    case completed
    /// The upload's parts are not wanted, but OSS has not confirmed an abort yet (the request
    /// failed). Its parts are still stored and billed, so the next run of the job and
    /// `hoist uploads abort` try again; no part can be recorded for it.
    case aborting
    /// OSS confirmed AbortMultipartUpload, or reported `NoSuchUpload`.
    case aborted

    public var description: String { rawValue }
}
