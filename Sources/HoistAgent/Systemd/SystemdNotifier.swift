import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The service manager's notify protocol (`sd_notify(3)`), spoken without libsystemd.
///
/// The protocol is one `AF_UNIX` `SOCK_DGRAM` datagram per notification, sent to the socket named
/// by `$NOTIFY_SOCKET`, holding newline-separated `KEY=VALUE` assignments. A name starting with
/// `@` is a Linux abstract socket (the `@` stands for a leading NUL byte). With no
/// `$NOTIFY_SOCKET` the process was not started by systemd with `Type=notify`, and every call
/// is a no-op: the agent runs the same way under a shell.
///
/// Invariants: a notification never blocks the caller (the socket is non-blocking; a full
/// queue drops the datagram, which systemd tolerates, as it does for libsystemd), and a send
/// failure is never fatal to the service.
public final class SystemdNotifier: Sendable {
    /// The socket address, or nil when not running under a notify-type unit.
    public let socketPath: String?
    /// The watchdog interval systemd expects pings within, when `WatchdogSec=` is set and
    /// meant for this process.
    public let watchdogInterval: Duration?

    private let descriptor: Int32

    public init(environment: [String: String] = ProcessInfo.processInfo.environment,
                processID: Int32 = getpid()) {
        let path = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        socketPath = path
        watchdogInterval = Self.watchdogInterval(environment: environment, processID: processID)
        descriptor = path == nil ? -1 : socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
                                                   | Int32(SOCK_NONBLOCK.rawValue), 0)
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Whether notifications go anywhere.
    public var isActive: Bool { socketPath != nil && descriptor >= 0 }

    /// `READY=1`: start-up is complete (systemd's `Type=notify` waits for it).
    public func ready(status: String? = nil) { send(["READY=1"] + (status.map { ["STATUS=\($0)"] } ?? [])) }

    /// `STATUS=`: one line that `systemctl status` shows.
    public func status(_ text: String) { send(["STATUS=\(Self.oneLine(text))"]) }

    /// `WATCHDOG=1`: the service is alive; due at least every `watchdogInterval`.
    public func watchdog() { send(["WATCHDOG=1"]) }

    /// `STOPPING=1`: shutdown has begun.
    public func stopping(status: String? = nil) { send(["STOPPING=1"] + (status.map { ["STATUS=\($0)"] } ?? [])) }

    /// `RELOADING=1` then, once done, `READY=1` again (the protocol for a SIGHUP reload).
    public func reloading() { send(["RELOADING=1"]) }

    /// `EXTEND_TIMEOUT_USEC=`: asks for more time for the current start or stop, so a long,
    /// orderly stop (journal writes, parts finishing) is not killed by `TimeoutStopSec=`.
    public func extendTimeout(by duration: Duration) {
        send(["EXTEND_TIMEOUT_USEC=\(Self.microseconds(duration))"])
    }

    /// Sends the assignments as one datagram. Returns whether the kernel took it.
    @discardableResult
    public func send(_ assignments: [String]) -> Bool {
        guard let socketPath, descriptor >= 0, !assignments.isEmpty else { return false }
        let message = Array(assignments.joined(separator: "\n").utf8)
        return Self.withAddress(socketPath) { address, length in
            message.withUnsafeBytes { bytes in
                sendto(descriptor, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL), address, length)
                    == bytes.count
            }
        } ?? false
    }

    // MARK: - Pieces

    /// `$WATCHDOG_USEC`, when `$WATCHDOG_PID` is unset or names this process (sd_watchdog_enabled(3)).
    static func watchdogInterval(environment: [String: String], processID: Int32) -> Duration? {
        guard let text = environment["WATCHDOG_USEC"], let usec = UInt64(text), usec > 0 else { return nil }
        if let pid = environment["WATCHDOG_PID"], !pid.isEmpty, Int32(pid) != processID { return nil }
        return .microseconds(Int64(clamping: usec))
    }

    /// STATUS= is one line; a newline would start a new assignment.
    static func oneLine(_ text: String) -> String {
        text.replacingOccurrences(of: "\n", with: " ")
    }

    static func microseconds(_ duration: Duration) -> UInt64 {
        let parts = duration.components
        let micro = Int64(parts.seconds) * 1_000_000 + parts.attoseconds / 1_000_000_000_000
        return UInt64(max(micro, 0))
    }

    /// Builds the `sockaddr_un` for `path` (`@name` is abstract) and passes it with its length.
    static func withAddress<T>(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T? {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(path.utf8)
        let abstract = bytes.first == UInt8(ascii: "@")
        if abstract { bytes[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity || (abstract && bytes.count <= capacity) else { return nil }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
        }
        let offset = MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path) ?? 2
        // An abstract name is exactly its bytes long (no terminating NUL counts); a path gets one.
        let length = socklen_t(offset + bytes.count + (abstract ? 0 : 1))
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, length) }
        }
    }
}
