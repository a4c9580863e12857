/// Why a benchmark could not run or did not finish, with what became of its upload.
public enum BenchError: Error, Sendable, CustomStringConvertible {
    /// `--size` below one part, or more parts than OSS allows: nothing was sent.
    case size(String)
    /// The generated data could not be prepared in memory.
    case payload(String)
    /// The run stopped on `cause` (an `UploadFailure`, or `CancellationError` for Ctrl-C);
    /// `cleanup` says whether the upload it had started was aborted (nil: none was started).
    case stopped(cause: any Error, cleanup: BenchCleanup?)

    public var description: String {
        switch self {
        case .size(let reason): reason
        case .payload(let reason): "could not prepare the benchmark data: \(reason)"
        case .stopped(let cause, _): cause is CancellationError ? "interrupted" : String(describing: cause)
        }
    }
}

/// What became of the benchmark's multipart upload at the end. The upload is never completed,
/// so no object is ever created; only its parts need removing.
public struct BenchCleanup: Sendable, Equatable {
    public var location: ObjectLocation
    public var uploadId: String
    /// nil: aborted (or already gone); else why OSS did not confirm the abort.
    public var failure: String?

    public init(location: ObjectLocation, uploadId: String, failure: String?) {
        self.location = location
        self.uploadId = uploadId
        self.failure = failure
    }

    public var aborted: Bool { failure == nil }

    /// The command that removes the parts when the abort was not confirmed.
    public var cleanupCommand: String {
        let prefix = location.key.split(separator: "/").dropLast().joined(separator: "/")
        return "hoist uploads abort \(uploadId) --location oss://\(location.bucket)/\(prefix) --all"
    }
}
