import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where Hoist keeps its state (the journal).
///
/// The root daemon follows the systemd convention (`/var/lib/hoist`, which the unit's
/// `StateDirectory=` also creates); an unprivileged `hoist upload` follows the XDG base-directory
/// spec, so a user's uploads resume from their own journal and never need root.
public struct StateDirectory: Sendable, Equatable {
    /// Absolute or caller-given path of the directory.
    public let path: String

    /// The journal file inside the directory.
    public var journalPath: String { path + "/journal.sqlite" }

    public init(path: String) {
        self.path = path
    }

    /// The directory to use: `override` when given (config or command line), otherwise the
    /// default for this user. Inputs are parameters so tests need neither root nor a fake HOME.
    public static func resolve(
        override: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        effectiveUserID: UInt32 = geteuid()
    ) throws(StateDirectoryError) -> StateDirectory {
        if let override, !override.isEmpty { return StateDirectory(path: override) }
        // Under the unit, systemd sets STATE_DIRECTORY from StateDirectory=hoist (several
        // directories are colon-separated; the first is the journal's). The service's user
        // is not root, so without this it would fall back to $HOME/.local/state.
        if let unit = environment["STATE_DIRECTORY"]?.split(separator: ":").first, unit.hasPrefix("/") {
            return StateDirectory(path: String(unit))
        }
        if effectiveUserID == 0 { return StateDirectory(path: "/var/lib/hoist") }
        // The spec says a relative XDG_STATE_HOME is invalid and must be ignored.
        if let xdg = environment["XDG_STATE_HOME"], xdg.hasPrefix("/") {
            return StateDirectory(path: xdg + "/hoist")
        }
        guard let home = environment["HOME"].flatMap({ $0.isEmpty ? nil : $0 }) ?? passwordHome() else {
            throw .noHomeDirectory
        }
        return StateDirectory(path: home + "/.local/state/hoist")
    }

    /// Creates the directory (and any missing parents) with mode 0700 if it does not exist,
    /// and narrows an existing state directory to 0700.
    ///
    /// The directory holds the journal (buckets, keys, upload IDs) and the job locks, so only
    /// its owner may list or enter it. Existing parents keep their modes (they are the
    /// operator's); new parents also get 0700, as the XDG spec asks for its base directories.
    /// A directory this user does not own keeps its mode (chmod is refused; systemd's
    /// `StateDirectoryMode=` governs it then).
    @discardableResult
    public func create() throws(StateDirectoryError) -> StateDirectory {
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            prefix += "/" + component
            var info = stat()
            if stat(prefix, &info) == 0 {
                guard (info.st_mode & mode_t(S_IFMT)) == mode_t(S_IFDIR) else { throw .notADirectory(prefix) }
                continue
            }
            guard errno == ENOENT else { throw .cannotCreate(path: prefix, errno: errno) }
            // EEXIST here means another process created it between stat and mkdir: fine.
            if mkdir(prefix, 0o700) != 0, errno != EEXIST {
                throw .cannotCreate(path: prefix, errno: errno)
            }
        }
        var info = stat()
        if stat(path, &info) == 0, info.st_uid == geteuid(), info.st_mode & 0o077 != 0 {
            _ = chmod(path, 0o700)
        }
        return self
    }

    /// The home directory from the password database, for daemons started without `HOME`.
    private static func passwordHome() -> String? {
        guard let entry = getpwuid(geteuid()), let dir = entry.pointee.pw_dir else { return nil }
        let home = String(cString: dir)
        return home.isEmpty ? nil : home
    }
}

/// Why the state directory is unusable.
public enum StateDirectoryError: Error, Equatable, Sendable, CustomStringConvertible {
    case noHomeDirectory
    case notADirectory(String)
    case cannotCreate(path: String, errno: Int32)

    public var description: String {
        switch self {
        case .noHomeDirectory:
            "cannot choose a state directory: HOME is not set and the user has no home directory; "
                + "set XDG_STATE_HOME or configure the state directory"
        case let .notADirectory(path):
            "cannot use \(path) as the state directory: it exists and is not a directory"
        case let .cannotCreate(path, code):
            "cannot create state directory \(path): \(String(cString: strerror(code)))"
        }
    }
}
