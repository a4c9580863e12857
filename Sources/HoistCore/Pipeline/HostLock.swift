import Crypto
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// An exclusive `flock` on one file of the host-wide lock folder (`LockDirectory`): what a job
/// lock (`JobLock`) and an agent's watch-folder lock are made of.
///
/// Why `flock` on a file rather than a journal row: the kernel drops the lock when its holder
/// dies in any way (`kill -9`, a crash, a reboot), so a lock can never be left stale, and no
/// process needs to guess whether a recorded pid is still the same process.
///
/// After locking, the holder writes its pid and start time into the file (`JobLockHolder`), so
/// a refused process can say who holds it. The record has a fixed length and is written in one
/// `pwrite`, so a reader never sees half an old and half a new record.
///
/// The holder removes the file when it releases it, so the folder holds only the locks in use.
/// That is safe because an acquirer checks, once it holds the `flock`, that the path still names
/// the inode it locked: one that locked a file just removed by the previous holder opens the path
/// again instead of running beside the next acquirer of the new file.
///
/// Invariants: the descriptor is `O_CLOEXEC` (a child process never inherits the lock); lock
/// files are mode 0666 (the folder is shared by users: another user must be able to open the
/// file to lock it and to record itself), and hold nothing but a pid and a time.
public final class HostLock: Sendable {
    public let path: String
    private let descriptor: Mutex<Int32?>

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = Mutex(descriptor)
    }

    deinit { release() }

    /// Removes the file (while still holding it), unlocks and closes. Idempotent.
    public func release() {
        descriptor.withLock { fd in
            guard let open = fd else { return }
            if Self.isCurrent(open, path: path) { _ = unlink(path) }
            _ = flock(open, LOCK_UN)
            close(open)
            fd = nil
        }
    }

    public enum Failure: Error, Sendable, Equatable {
        /// Another process holds it (`holder` when its record could be read).
        case held(JobLockHolder?)
        /// Waiting was cancelled.
        case cancelled
        case unusable(path: String, errno: Int32)
        case directory(path: String, errno: Int32)
    }

    /// How often a waiting acquirer tries again. `flock` cannot be interrupted by task
    /// cancellation, so a waiter polls and stays cancellable.
    static let pollInterval: Duration = .milliseconds(100)

    /// Takes the lock named `fileName` in `directory`: refused at once with `.held`, or (with
    /// `wait`) waited for, calling `onWait` once with the current holder first.
    public static func acquire(_ fileName: String, in directory: LockDirectory, wait: Bool = false,
                               onWait: @Sendable (JobLockHolder?) -> Void = { _ in }) async throws(Failure) -> HostLock {
        let folder: String
        do { folder = try directory.create() } catch { throw .directory(path: directory.path, errno: error.errno) }
        let path = folder + "/" + fileName
        var announced = false
        while true {
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o666)
            guard fd >= 0 else { throw .unusable(path: path, errno: errno) }
            // Whatever the umask: another user must be able to open it (only its owner can change it).
            _ = fchmod(fd, 0o666)
            while flock(fd, LOCK_EX | LOCK_NB) != 0 {
                let code = errno
                if code == EINTR { continue }
                guard code == EWOULDBLOCK else {
                    close(fd)
                    throw .unusable(path: path, errno: code)
                }
                let holder = JobLockHolder.read(fd: fd)
                guard wait else {
                    close(fd)
                    throw .held(holder)
                }
                if !announced {
                    announced = true
                    onWait(holder)
                }
                do {
                    try await Task.sleep(for: pollInterval)
                } catch {
                    close(fd)
                    throw .cancelled
                }
            }
            // The previous holder removed the file as it released it: this lock is on a file
            // nobody else will open again. Take the one the path names now.
            guard isCurrent(fd, path: path) else {
                close(fd)
                continue
            }
            JobLockHolder.current().write(fd: fd)
            return HostLock(path: path, descriptor: fd)
        }
    }

    /// `PREFIX-` and 32 hex digits of SHA-256 over `identity`, `.lock`: a file name for any text,
    /// however long or odd (a collision only makes two holders wait for each other).
    public static func fileName(_ prefix: String, for identity: String) -> String {
        let digest = SHA256.hash(data: Data(identity.utf8))
        return prefix + "-" + digest.prefix(16).map { String(format: "%02x", $0) }.joined() + ".lock"
    }

    /// The pid holding the lock file at `path` now, or nil when no process does (or there is no
    /// such file): read from `/proc/locks`, which lists every `flock` by device and inode, so
    /// looking never takes the lock (a probe that did could make a real acquirer fail).
    public static func holderPid(of path: String) -> Int32? {
        var info = stat()
        guard lstat(path, &info) == 0, let table = try? String(contentsOfFile: "/proc/locks", encoding: .utf8) else {
            return nil
        }
        let dev = UInt64(info.st_dev)
        let major = ((dev >> 8) & 0xFFF) | ((dev >> 32) & ~UInt64(0xFFF))
        let minor = (dev & 0xFF) | ((dev >> 12) & ~UInt64(0xFF))
        let file = String(format: "%02llx:%02llx:%llu", major, minor, UInt64(info.st_ino))
        // "1: FLOCK  ADVISORY  WRITE 4242 fd:01:1234567 0 EOF"; waiters are listed with "->".
        for line in table.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 6, fields[1] == "FLOCK", fields[5] == file else { continue }
            return Int32(fields[4])
        }
        return nil
    }

    /// Whether `path` still names the file open as `fd`.
    static func isCurrent(_ fd: Int32, path: String) -> Bool {
        var open = stat(), named = stat()
        guard fstat(fd, &open) == 0, lstat(path, &named) == 0 else { return false }
        return open.st_dev == named.st_dev && open.st_ino == named.st_ino
    }
}
