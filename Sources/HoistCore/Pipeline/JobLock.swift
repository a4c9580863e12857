import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One object, one runner, host-wide (DESIGN.md §3): an exclusive `HostLock` on
/// `<lock folder>/<JobLockKey.fileName>` (`LockDirectory`, shared by every hoist process on the
/// host), held for as long as a command works on the job, and removed when it ends.
public final class JobLock: Sendable {
    public let key: JobLockKey
    private let lock: HostLock

    /// The lock file.
    public var path: String { lock.path }

    private init(key: JobLockKey, lock: HostLock) {
        self.key = key
        self.lock = lock
    }

    /// Removes the lock file (while still holding it), unlocks and closes. Idempotent; dropping
    /// the last reference does the same.
    public func release() { lock.release() }

    /// Takes the lock of `key` in `directory`.
    ///
    /// - Parameter wait: false refuses at once with `.held` when another process holds it;
    ///   true waits until it is free, calling `onWait` once with the current holder first.
    public static func acquire(
        _ key: JobLockKey, in directory: LockDirectory, wait: Bool = false,
        onWait: @Sendable (JobLockHolder?) -> Void = { _ in }
    ) async throws(JobLockError) -> JobLock {
        do {
            return JobLock(key: key, lock: try await HostLock.acquire(key.fileName, in: directory, wait: wait, onWait: onWait))
        } catch {
            switch error {
            case .held(let holder): throw .held(key, holder: holder)
            case .cancelled: throw .cancelled(key)
            case let .unusable(path, code): throw .unusable(path: path, errno: code)
            case let .directory(path, code): throw .directory(path: path, errno: code)
            }
        }
    }
}

/// Why a job lock was not taken.
public enum JobLockError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Another process runs this job now.
    case held(JobLockKey, holder: JobLockHolder?)
    /// Waiting for the lock was cancelled (Ctrl-C, SIGTERM).
    case cancelled(JobLockKey)
    case unusable(path: String, errno: Int32)
    /// The host-wide lock folder cannot be created or used.
    case directory(path: String, errno: Int32)
    case stateDirectory(StateDirectoryError)

    public var description: String {
        switch self {
        case let .held(key, holder):
            let who = holder.map { "hoist process \($0.pid) (running it since \($0.sinceText))" } ?? "another hoist process"
            return "\(who) is already uploading to or importing \(key); wait for it to finish, stop it, "
                + "or run again with --wait-for-lock to start when it is done"
        case let .cancelled(key):
            return "stopped while waiting for the lock of \(key)"
        case let .unusable(path, code):
            return "cannot use the job lock \(path): \(String(cString: strerror(code)))"
        case let .directory(path, code):
            return "cannot use the host-wide lock folder \(path): \(String(cString: strerror(code))); every hoist process "
                + "on this host shares it: create it (systemd-tmpfiles --create, or mkdir -m 1777 \(path)) or set "
                + "\(LockDirectory.variable) to a folder every hoist user can write"
        case let .stateDirectory(error):
            return error.description
        }
    }
}
