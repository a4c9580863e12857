import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One job, one runner, host-wide (DESIGN.md §3): an exclusive `flock` on
/// `<state>/locks/<JobLockKey.fileName>`, held for as long as a command works on the job.
///
/// Why `flock` on a file rather than a journal row: the kernel drops the lock when its holder
/// dies in any way (`kill -9`, a crash, a reboot), so a lock can never be left stale, and no
/// process needs to guess whether a recorded pid is still the same process.
///
/// After locking, the holder writes its pid and start time into the file, so a refused run can
/// say who holds it. The record has a fixed length and is written in one `pwrite`, so a reader
/// never sees half an old and half a new record. The file is never deleted: unlinking a lock
/// file lets a third process lock a fresh inode while a second still waits on the old one.
///
/// Invariants: the descriptor is `O_CLOEXEC` (a child process never inherits the lock), the
/// file is mode 0600 and its directory 0700.
public final class JobLock: Sendable {
    public let key: JobLockKey
    /// The lock file.
    public let path: String
    private let descriptor: Mutex<Int32?>

    private init(key: JobLockKey, path: String, descriptor: Int32) {
        self.key = key
        self.path = path
        self.descriptor = Mutex(descriptor)
    }

    deinit { release() }

    /// Unlocks and closes the file. Idempotent; dropping the last reference does the same.
    public func release() {
        descriptor.withLock { fd in
            guard let open = fd else { return }
            _ = flock(open, LOCK_UN)
            close(open)
            fd = nil
        }
    }

    /// How often a waiting acquirer tries again. `flock` cannot be interrupted by task
    /// cancellation, so a waiter polls and stays cancellable; a job runs for minutes, so a
    /// fraction of a second of extra wait is of no consequence.
    static let pollInterval: Duration = .milliseconds(100)

    /// Takes the lock of `key` in `directory`.
    ///
    /// - Parameter wait: false refuses at once with `.held` when another process holds it;
    ///   true waits until it is free, calling `onWait` once with the current holder first.
    public static func acquire(
        _ key: JobLockKey, in directory: StateDirectory, wait: Bool = false,
        onWait: @Sendable (JobLockHolder?) -> Void = { _ in }
    ) async throws(JobLockError) -> JobLock {
        let path = try lockDirectory(in: directory) + "/" + key.fileName
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw .unusable(path: path, errno: errno) }
        // An older file, or a wider umask at creation: the record names a pid and a command.
        _ = fchmod(fd, 0o600)
        var announced = false
        while true {
            if flock(fd, LOCK_EX | LOCK_NB) == 0 { break }
            let code = errno
            if code == EINTR { continue }
            guard code == EWOULDBLOCK else {
                close(fd)
                throw .unusable(path: path, errno: code)
            }
            let holder = JobLockHolder.read(fd: fd)
            guard wait else {
                close(fd)
                throw .held(key, holder: holder)
            }
            if !announced {
                announced = true
                onWait(holder)
            }
            do {
                try await Task.sleep(for: pollInterval)
            } catch {
                close(fd)
                throw .cancelled(key)
            }
        }
        JobLockHolder.current().write(fd: fd)
        return JobLock(key: key, path: path, descriptor: fd)
    }

    /// `<state>/locks`, created 0700 with the state directory if needed.
    static func lockDirectory(in directory: StateDirectory) throws(JobLockError) -> String {
        do {
            try directory.create()
        } catch {
            throw .stateDirectory(error)
        }
        let path = directory.locksPath
        if mkdir(path, 0o700) != 0, errno != EEXIST { throw .unusable(path: path, errno: errno) }
        return path
    }
}

/// Why a job lock was not taken.
public enum JobLockError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Another process runs this job now.
    case held(JobLockKey, holder: JobLockHolder?)
    /// Waiting for the lock was cancelled (Ctrl-C, SIGTERM).
    case cancelled(JobLockKey)
    case unusable(path: String, errno: Int32)
    case stateDirectory(StateDirectoryError)

    public var description: String {
        switch self {
        case let .held(key, holder):
            let who = holder.map { "hoist process \($0.pid) (running it since \($0.sinceText))" } ?? "another hoist process"
            return "\(who) is already working on \(key); wait for it to finish, stop it, "
                + "or run again with --wait-for-lock to start when it is done"
        case let .cancelled(key):
            return "stopped while waiting for the lock of \(key)"
        case let .unusable(path, code):
            return "cannot use the job lock \(path): \(String(cString: strerror(code)))"
        case let .stateDirectory(error):
            return error.description
        }
    }
}
