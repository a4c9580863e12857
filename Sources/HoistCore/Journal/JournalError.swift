#if canImport(Glibc)
import Glibc
#endif

/// Why the journal refused or failed an operation. Database-level failures surface as GRDB's
/// `DatabaseError`; these are the journal's own rules.
public enum JournalError: Error, Equatable, Sendable, CustomStringConvertible {
    case jobNotFound(String)
    case uploadNotFound(String)
    /// A part arrived for an upload that was already completed or aborted.
    case uploadNotOpen(uploadId: String, state: UploadState)
    case invalidTransition(jobId: String, from: JobState, to: JobState)
    /// A compare-and-set found the job in another state than the caller last saw: something
    /// else moved it. Not a failure of the job; the caller re-reads and decides again.
    case stateConflict(jobId: String, expected: JobState, actual: JobState)
    case invalidPart(String)
    case invalidImport(String)
    /// A key template that a new job cannot expand (it names `{crc}`).
    case invalidKey(String)
    /// A stored value is not one this version understands (a newer Hoist wrote it, or the file
    /// was edited by hand).
    case unreadableValue(column: String, value: String)
    /// The database refused `synchronous=FULL` or WAL mode, so commits would not be durable.
    case notDurable(String)
    /// The journal has migrations this version does not know; opening it could corrupt it.
    case writtenByNewerVersion(path: String)
    /// The journal file could not be created or restricted to its owner (mode 0600).
    case notPrivate(path: String, errno: Int32)

    public var description: String {
        switch self {
        case let .jobNotFound(id): "no job \(id) in the journal"
        case let .uploadNotFound(id): "no upload \(id) in the journal"
        case let .uploadNotOpen(id, state): "upload \(id) is \(state), so no more parts can be recorded"
        case let .invalidTransition(id, from, to): "job \(id) cannot move from \(from) to \(to)"
        case let .stateConflict(id, expected, actual):
            "job \(id) is \(actual), not \(expected) as this run last saw: another run changed it; run the command again"
        case let .invalidPart(why): "invalid part: \(why)"
        case let .invalidImport(why): "invalid import record: \(why)"
        case let .invalidKey(template): "the object key \(template) cannot be expanded for a new job"
        case let .unreadableValue(column, value): "the journal holds an unreadable \(column): \(value)"
        case let .notDurable(why): "the journal cannot be made durable: \(why)"
        case let .writtenByNewerVersion(path): "the journal \(path) was written by a newer Hoist; upgrade Hoist to use it"
        case let .notPrivate(path, code):
            "cannot make the journal \(path) private to its owner (mode 0600): \(String(cString: strerror(code))); "
                + "check the state directory's owner and permissions"
        }
    }
}

extension JournalError {
    /// Whether `error` means another writer changed the row first (a compare-and-set lost):
    /// the caller's view was stale, and the job itself did not fail.
    public static func isConflict(_ error: any Error) -> Bool {
        switch error as? JournalError {
        case .stateConflict?, .uploadNotOpen?: true
        default: false
        }
    }
}
