import GRDB

/// The journal *file* failed, as opposed to a journal rule (`JournalError`): the disk is full,
/// the file is damaged, or it cannot be opened or written. The message names the file and says
/// what to do, because these are the failures an operator must fix by hand.
///
/// Every SQLite failure passes through `map`, so the engine and CLI never show a bare
/// "SQLite error 13"; failures that are not about the file pass through unchanged.
public struct JournalStorageError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// SQLITE_FULL: no space left where the journal lives.
        case full
        /// SQLITE_CORRUPT / SQLITE_NOTADB: the file is truncated, overwritten or not a journal.
        case damaged
        /// SQLITE_CANTOPEN, SQLITE_READONLY, SQLITE_IOERR, SQLITE_PERM: the system refused.
        case inaccessible
    }

    public var path: String
    public var kind: Kind
    /// SQLite's own words, for the record.
    public var detail: String

    public init(path: String, kind: Kind, detail: String) {
        self.path = path
        self.kind = kind
        self.detail = detail
    }

    public var description: String {
        switch kind {
        case .full:
            return "the journal \(path) cannot be written: no space left on its device (\(detail)). Nothing "
                + "journaled is lost; free space there (or move the state directory) and run the same command again "
                + "to resume"
        case .damaged:
            return "the journal \(path) is damaged (\(detail)). To rebuild it, move it aside with its -wal and -shm "
                + "files (mkdir \(path).damaged && mv \(path) \(path)-wal \(path)-shm \(path).damaged/) and run the "
                + "same command again: open uploads are found in OSS and parts that match the file are kept"
        case .inaccessible:
            return "the journal \(path) cannot be used (\(detail)); check the state directory's permissions, "
                + "mount and free space"
        }
    }

    /// `error` as a `JournalStorageError` when it is a failure of the journal file, else itself.
    public static func map(_ error: any Error, path: String) -> any Error {
        guard let error = error as? DatabaseError else { return error }
        let detail = error.message ?? "\(error.resultCode)"
        switch error.resultCode {
        case .SQLITE_FULL:
            return JournalStorageError(path: path, kind: .full, detail: detail)
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            return JournalStorageError(path: path, kind: .damaged, detail: detail)
        case .SQLITE_CANTOPEN, .SQLITE_READONLY, .SQLITE_IOERR, .SQLITE_PERM:
            return JournalStorageError(path: path, kind: .inaccessible, detail: detail)
        default:
            return error
        }
    }
}
