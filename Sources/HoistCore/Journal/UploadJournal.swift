import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#endif

/// The journal: Hoist's only memory across crashes, `kill -9`, lost networks and reboots.
///
/// It is an SQLite database in WAL mode with `synchronous=FULL`, so every committed
/// transaction is on disk before the call returns: once `recordPart` returns, that part is
/// never sent again. WAL lets `hoist status` read while the agent writes, and `busy_timeout`
/// makes a second process wait for the write lock instead of failing.
///
/// Every write is one short transaction. The type is a `Sendable` value; copies share one
/// `DatabasePool`, whose single writer connection serialises writes from any number of tasks.
public struct UploadJournal: Sendable {
    /// The database file.
    public let path: String
    let pool: DatabasePool
    /// The file's device and inode when it was opened (nil for `:memory:`), to notice it being
    /// removed or replaced under a running process (`fileChange()`).
    let opened: (device: UInt64, inode: UInt64)?

    /// Opens (creating if needed) the journal at `path` and brings its schema up to date.
    ///
    /// - Parameter busyTimeout: how long a write waits for another process's lock, in seconds.
    /// A full disk or a damaged file throws `JournalStorageError`, which names the file.
    public init(path: String, busyTimeout: TimeInterval = 10) throws {
        do {
            try self.init(opening: path, busyTimeout: busyTimeout)
        } catch {
            throw JournalStorageError.map(error, path: path)
        }
    }

    private init(opening path: String, busyTimeout: TimeInterval) throws {
        var configuration = Configuration()
        configuration.label = "hoist.journal"
        configuration.busyMode = .timeout(busyTimeout)
        configuration.foreignKeysEnabled = true
        try Self.makePrivate(path)
        let pool = try DatabasePool(path: path, configuration: configuration)
        // GRDB switches its writer to synchronous=NORMAL when it enables WAL, which can lose the
        // last commits on power failure. Raise it after the pool exists (the writer connection
        // lives as long as the pool) and read it back, so the durability promise is checked.
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            let level = try Int.fetchOne(db, sql: "PRAGMA synchronous")
            guard level == 2 else { throw JournalError.notDurable("PRAGMA synchronous is \(level ?? -1), not FULL (2)") }
            let mode = try String.fetchOne(db, sql: "PRAGMA journal_mode")
            guard mode == "wal" else { throw JournalError.notDurable("journal_mode is \(mode ?? "unknown"), not wal") }
        }
        // SQLite reads only the pages a query needs, so a truncated file can go unnoticed until
        // a later read, after this run has already decided what is safe. A quick check at open
        // (milliseconds: the journal is small) finds the damage before anything is trusted.
        let problems = try pool.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check") }
        guard problems == ["ok"] else {
            throw JournalStorageError(path: path, kind: .damaged, detail: problems.prefix(3).joined(separator: "; "))
        }
        let migrator = JournalSchema.migrator
        if try pool.read({ try migrator.hasBeenSuperseded($0) }) {
            throw JournalError.writtenByNewerVersion(path: path)
        }
        try migrator.migrate(pool)
        self.path = path
        self.pool = pool
        self.opened = Self.fileIdentity(path)
    }

    /// Why the journal file is no longer the one this process opened, or nil while it is.
    ///
    /// SQLite keeps writing to an open file that was unlinked or renamed away, so a journal
    /// deleted (or replaced by a copy) under a running agent would swallow every later commit:
    /// history and resume state lost at the next start, without a word. A caller that runs for
    /// months checks this and stops loudly instead.
    public func fileChange() -> String? {
        guard let opened else { return nil }
        var info = stat()
        guard stat(path, &info) == 0 else {
            return errno == ENOENT ? "the journal \(path) was removed while this process had it open"
                : "the journal \(path) cannot be checked: \(String(cString: strerror(errno)))"
        }
        guard UInt64(info.st_dev) == opened.device, UInt64(info.st_ino) == opened.inode else {
            return "the journal \(path) was replaced by another file while this process had it open"
        }
        return nil
    }

    static func fileIdentity(_ path: String) -> (device: UInt64, inode: UInt64)? {
        var info = stat()
        guard path != ":memory:", stat(path, &info) == 0 else { return nil }
        return (UInt64(info.st_dev), UInt64(info.st_ino))
    }

    /// Creates the database file mode 0600 before SQLite opens it, and narrows an existing one
    /// and its WAL and shared-memory files to 0600: the journal names buckets, keys and upload
    /// IDs. SQLite gives the WAL and shm files it creates the database file's mode.
    static func makePrivate(_ path: String) throws {
        guard !path.isEmpty, path != ":memory:" else { return }
        let fd = Glibc.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw JournalError.notPrivate(path: path, errno: errno) }
        defer { Glibc.close(fd) }
        guard fchmod(fd, 0o600) == 0 else { throw JournalError.notPrivate(path: path, errno: errno) }
        for companion in [path + "-wal", path + "-shm"] { _ = chmod(companion, 0o600) }
    }

    /// Opens the journal at `path`; the same as `init(path:)`.
    public static func open(at path: String, busyTimeout: TimeInterval = 10) throws -> UploadJournal {
        try UploadJournal(path: path, busyTimeout: busyTimeout)
    }

    /// Opens the journal file inside a state directory, creating the directory if needed.
    public static func open(in directory: StateDirectory) throws -> UploadJournal {
        try UploadJournal(path: directory.create().journalPath)
    }

    /// Closes the database connections. Further calls fail. Dropping the last copy of the
    /// journal also closes it; this is for callers that want errors reported.
    ///
    /// The WAL is folded into the database file first, so a closed journal is one
    /// self-contained file (what an operator copies or inspects is what the journal holds).
    public func close() throws {
        try pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
        try pool.close()
    }

    /// Runs `body` in one write transaction that the calling task's cancellation cannot
    /// interrupt.
    ///
    /// Writes record facts that are already true in OSS (a part was acknowledged, an upload ID
    /// was issued). If a SIGTERM-driven cancellation aborted the commit, the fact would be
    /// lost and the part re-sent or the upload orphaned, so the write runs in an unstructured
    /// task that does not inherit cancellation. A single transaction takes milliseconds.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let pool = self.pool
        do {
            return try await Task { try await pool.write(body) }.value
        } catch {
            throw JournalStorageError.map(error, path: path)
        }
    }

    /// Runs `body` on a reader connection, concurrently with writes.
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read(body)
        } catch {
            throw JournalStorageError.map(error, path: path)
        }
    }

    /// Current time in journal precision.
    static func now() -> Int64 { JournalValues.milliseconds(Date()) }
}
