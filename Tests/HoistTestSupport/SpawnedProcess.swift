import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A child process started with `posix_spawn`, for the test helpers that start hundreds of them.
///
/// Why not Foundation's `Process`: on Linux, the Foundation of this toolchain (Swift 6.3.1) reads
/// the entries of `/proc/self/fd` 256 bytes at a time before every launch and crashes now and
/// then when one sits at the end of a mapped page (swift-corelibs-foundation pull request 5472).
/// A test process that has many descriptors open and starts child after child meets it: once in
/// about a dozen full runs here.
///
/// Every descriptor this type creates is close-on-exec, so a child never inherits another
/// child's pipe (which would keep it from reaching end of file).
public final class SpawnedProcess: @unchecked Sendable {
    public enum Output {
        /// `/dev/null`.
        case null
        /// A file, created or truncated.
        case file(String)
        /// The write end of a pipe (or any descriptor) of this process.
        case descriptor(Int32)
    }

    public let processIdentifier: pid_t
    private let lock = NSLock()
    /// The raw wait status, once reaped.
    private var waitStatus: Int32?

    /// Starts `executable` with `arguments` (argv[0] is the executable) and exactly `environment`.
    public init(executable: String, arguments: [String], environment: [String: String],
                stdout: Output = .null, stderr: Output = .null) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        for (fd, output) in [(Int32(1), stdout), (Int32(2), stderr)] {
            switch output {
            case .null: posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", O_WRONLY, 0)
            case .file(let path): posix_spawn_file_actions_addopen(&actions, fd, path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            case .descriptor(let source): posix_spawn_file_actions_adddup2(&actions, source, fd)
            }
        }
        // Then the child keeps 0, 1 and 2 and nothing else of this process (Foundation's Process
        // did the same): an inherited socket or pipe would outlive its owner in the child. After
        // the redirections, which may read a descriptor above 2 (the actions run in order).
        Self.closeFrom3(&actions)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let code = posix_spawnp(&pid, executable, &actions, nil, argv, envp)
        guard code == 0 else { throw SpawnError(executable: executable, errno: code) }
        processIdentifier = pid
    }

    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later; not visible from Swift,
    /// so looked up), else a `close` action for each descriptor listed in `/proc/self/fd` now.
    private static let closeFrom: CloseFrom? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else {
            return nil
        }
        return unsafeBitCast(symbol, to: CloseFrom.self)
    }()

    private static func closeFrom3(_ actions: inout posix_spawn_file_actions_t) {
        if let closeFrom, closeFrom(&actions, 3) == 0 { return }
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for fd in open.compactMap({ Int32($0) }) where fd > 2 { posix_spawn_file_actions_addclose(&actions, fd) }
    }

    /// Whether the child still runs (it is reaped when it has ended).
    public var isRunning: Bool {
        lock.withLock {
            guard waitStatus == nil else { return false }
            var status: Int32 = 0
            let reaped = waitpid(processIdentifier, &status, WNOHANG)
            if reaped == processIdentifier { waitStatus = status }
            return reaped == 0
        }
    }

    /// Blocks until the child has ended.
    public func waitUntilExit() {
        lock.withLock {
            while waitStatus == nil {
                var status: Int32 = 0
                let reaped = waitpid(processIdentifier, &status, 0)
                if reaped == processIdentifier { waitStatus = status } else if errno != EINTR { waitStatus = 0 }
            }
        }
    }

    /// The exit code, or the signal's number when a signal ended it (as Foundation reports).
    public var terminationStatus: Int32 {
        waitUntilExit()
        let status = lock.withLock { waitStatus ?? 0 }
        return signalled ? status & 0x7F : (status >> 8) & 0xFF
    }

    /// Whether a signal ended the child.
    public var signalled: Bool {
        waitUntilExit()
        let status = lock.withLock { waitStatus ?? 0 }
        return status & 0x7F != 0 && status & 0x7F != 0x7F
    }

    public func signal(_ number: Int32) {
        if isRunning { kill(processIdentifier, number) }
    }

    /// A pipe whose two ends are close-on-exec (`pipe2` is not visible from Swift here, so the
    /// flag is set right after; only another thread's spawn in between could inherit them).
    public static func pipe() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        guard Glibc.pipe(&fds) == 0 else { throw SpawnError(executable: "pipe", errno: errno) }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return (fds[0], fds[1])
    }

    public struct SpawnError: Error, CustomStringConvertible {
        public var executable: String
        public var errno: Int32
        public var description: String { "cannot start \(executable): \(String(cString: strerror(errno)))" }
    }
}
