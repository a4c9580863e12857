import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The host-wide folder of job locks (DESIGN.md §1, "Files on a host"): one for every hoist
/// process on the host, the agent under its own user, root's shell, any other user, whatever
/// their state directories. A lock in a state directory excludes only the runs that share that
/// directory, and two runs with different ones would upload the same object twice.
///
/// `/run/lock/hoist` by default (`hoist.tmpfiles` creates it at boot; the unit may write it),
/// else `HOIST_LOCK_DIRECTORY`. It is world-writable and sticky (01777), as `/run/lock` itself is,
/// so every user can take a lock and only a lock file's owner (or root) can remove it.
public struct LockDirectory: Sendable, Equatable {
    public let path: String

    public static let defaultPath = "/run/lock/hoist"
    public static let variable = "HOIST_LOCK_DIRECTORY"

    public init(path: String) {
        self.path = path
    }

    /// `HOIST_LOCK_DIRECTORY` when set to an absolute path, else `/run/lock/hoist`.
    public static func resolve(environment: [String: String]) -> LockDirectory {
        if let chosen = environment[variable], chosen.hasPrefix("/") { return LockDirectory(path: chosen) }
        return LockDirectory(path: defaultPath)
    }

    /// Why the folder cannot be used: the `errno` of the failed step.
    struct Unusable: Error {
        var errno: Int32
    }

    /// Creates the folder when it is missing (mode 01777, whatever the umask) and returns its path.
    func create() throws(Unusable) -> String {
        if mkdir(path, 0o1777) == 0 {
            _ = chmod(path, 0o1777)
        } else if errno != EEXIST {
            throw Unusable(errno: errno)
        }
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & mode_t(S_IFMT)) == mode_t(S_IFDIR) else {
            throw Unusable(errno: ENOTDIR)
        }
        return path
    }
}
