/// Why the journal refused or failed an operation. Database-level failures surface as GRDB's
/// `DatabaseError`; these are the journal's own rules.
public enum JournalError: Error, Equatable, Sendable, CustomStringConvertible {
    case jobNotFound(String)
    case uploadNotFound(String)
    /// A part arrived for an upload that was already completed or aborted.
    case uploadNotOpen(uploadId: String, state: UploadState)
    case invalidTransition(jobId: String, from: JobState, to: JobState)
    case invalidPart(String)
    case invalidImport(String)
    /// A stored value is not one this version understands (a newer Hoist wrote it, or the file
    /// was edited by hand).
    case unreadableValue(column: String, value: String)
    /// The database refused `synchronous=FULL` or WAL mode, so commits would not be durable.
    case notDurable(String)
    /// The journal has migrations this version does not know; opening it could corrupt it.
    case writtenByNewerVersion(path: String)

    public var description: String {
        switch self {
        case let .jobNotFound(id): "no job \(id) in the journal"
        case let .uploadNotFound(id): "no upload \(id) in the journal"
        case let .uploadNotOpen(id, state): "upload \(id) is \(state), so no more parts can be recorded"
        case let .invalidTransition(id, from, to): "job \(id) cannot move from \(from) to \(to)"
        case let .invalidPart(why): "invalid part: \(why)"
        case let .invalidImport(why): "invalid import record: \(why)"
        case let .unreadableValue(column, value): "the journal holds an unreadable \(column): \(value)"
        case let .notDurable(why): "the journal cannot be made durable: \(why)"
        case let .writtenByNewerVersion(path): "the journal \(path) was written by a newer Hoist; upgrade Hoist to use it"
        }
    }
}
