import Crypto
import Foundation

/// What a job lock is named after: the job's source path, bucket and key.
///
/// Every command that can run a job (`hoist upload`, `hoist upload --import`, `hoist import`,
/// the agent) knows these three before it has a job id, and two runs that would fight over
/// one OSS object from one file always agree on them, so the lock is keyed by them rather than
/// by the job id (a job id is only known after the journal lookup that the lock must guard).
///
/// The file name is a hash, because a path may be longer than a file name may be, and may
/// contain any byte. A collision would only make two jobs wait for each other, never let
/// two runners into one job.
public struct JobLockKey: Sendable, Hashable, CustomStringConvertible {
    public var sourcePath: String
    public var bucket: String
    public var key: String

    public init(sourcePath: String, bucket: String, key: String) {
        self.sourcePath = sourcePath
        self.bucket = bucket
        self.key = key
    }

    /// The lock of a journaled job: named after the key as it was given (its template), the
    /// same text the run that created it locked.
    public init(job: JobRecord) {
        self.init(sourcePath: job.sourcePath, bucket: job.bucket, key: job.keyTemplate ?? job.key)
    }

    /// `job-` and 32 hex digits of SHA-256 over the three fields, NUL-separated (no field
    /// can contain NUL, so distinct triples give distinct inputs).
    public var fileName: String {
        let digest = SHA256.hash(data: Data("\(sourcePath)\0\(bucket)\0\(key)".utf8))
        return "job-" + digest.prefix(16).map { String(format: "%02x", $0) }.joined() + ".lock"
    }

    public var description: String { "\(sourcePath) → oss://\(bucket)/\(key)" }
}
