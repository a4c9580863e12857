import Foundation
import HoistCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `<state>/agent-status.json`: the running agent's live state, for `hoist status` (which has
/// no other way to see a service's progress, its queue or an outage).
///
/// Invariants: written whole to a temporary file and renamed over the old one, so a reader sees
/// one complete version or the previous one, never a mix; mode 0600 like the journal (file
/// names are private); refreshed with the status line and the heartbeat; removed when the agent
/// stops cleanly. A file left by an agent that was killed names a pid that is gone: readers
/// report it as stale (`AgentPresence`).
public struct AgentStatusFile: Codable, Sendable, Equatable {
    public struct Network: Codable, Sendable, Equatable {
        public var up: Bool
        /// When the network went up or down last (ISO 8601), or the agent's start.
        public var since: String
    }

    public struct Job: Codable, Sendable, Equatable {
        public var name: String
        /// `starting`, `uploading`, `importing` or `waiting-for-lock`.
        public var phase: String
        public var percent: Int?
        public var bytesPerSecond: Double?
        public var bytesDone: Int64?
        public var bytesTotal: Int64?
    }

    public var pid: Int32
    /// When the agent started (ISO 8601).
    public var since: String
    /// When this version was written (ISO 8601).
    public var updated: String
    /// The same line as `STATUS=`.
    public var line: String
    public var network: Network
    public var queued: Int
    public var jobs: [Job]

    public static let fileName = "agent-status.json"

    public static func path(in directory: StateDirectory) -> String {
        directory.path + "/" + fileName
    }

    init(pid: Int32, since: Date, snapshot: AgentStatus.Snapshot, now: Date = Date()) {
        let iso = ISO8601DateFormatter()
        self.pid = pid
        self.since = iso.string(from: since)
        updated = iso.string(from: now)
        line = AgentStatus.line(snapshot)
        network = Network(up: snapshot.networkDownSeconds == nil, since: iso.string(from: snapshot.networkSince))
        queued = snapshot.queued
        jobs = snapshot.jobs.map {
            Job(name: $0.name, phase: $0.phase.rawValue, percent: $0.percent, bytesPerSecond: $0.bytesPerSecond,
                bytesDone: $0.bytesDone, bytesTotal: $0.bytesTotal)
        }
    }

    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }

    /// Replaces the file at `path` atomically (temporary file, then rename), mode 0600.
    public func save(to path: String) throws {
        let data = try json()
        let temporary = path + ".\(pid).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        let written = data.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let code = errno
        _ = close(descriptor)
        guard written == data.count, rename(temporary, path) == 0 else {
            _ = unlink(temporary)
            throw POSIXError(POSIXErrorCode(rawValue: written == data.count ? errno : code) ?? .EIO)
        }
    }

    /// The file at `path`, or nil when there is none or it does not parse.
    public static func read(from path: String) -> AgentStatusFile? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(AgentStatusFile.self, from: data)
    }

    /// Removes the file at `path`, but only when it is this process's (another agent on the
    /// same state directory may have replaced it).
    public static func remove(at path: String, pid: Int32) {
        guard read(from: path)?.pid == pid else { return }
        _ = unlink(path)
    }
}

/// Whether an agent runs on a state directory, as `hoist status` reports it.
public enum AgentPresence: Sendable, Equatable {
    case running(AgentStatusFile)
    /// A status file whose agent is gone (killed, or the host rebooted).
    case stale(AgentStatusFile)
    case notRunning

    public static func look(in directory: StateDirectory) -> AgentPresence {
        guard let file = AgentStatusFile.read(from: AgentStatusFile.path(in: directory)) else { return .notRunning }
        return isHoist(pid: file.pid) ? .running(file) : .stale(file)
    }

    /// One line for `hoist status`.
    public var summary: String {
        switch self {
        case .running(let file): "agent: running (pid \(file.pid)) — \(file.line)"
        case .stale(let file): "agent: not running (stale status of pid \(file.pid), last written \(file.updated))"
        case .notRunning: "agent: not running"
        }
    }

    /// `running`, `stale` or `not-running`, as `hoist status --json` names the state.
    public var state: String {
        switch self {
        case .running: "running"
        case .stale: "stale"
        case .notRunning: "not-running"
        }
    }

    public var file: AgentStatusFile? {
        switch self {
        case .running(let file), .stale(let file): file
        case .notRunning: nil
        }
    }

    /// Whether `pid` is a live hoist process: it exists, and (where /proc tells) its command is
    /// hoist, so a pid reused after a reboot or a kill is not mistaken for the agent.
    static func isHoist(pid: Int32) -> Bool {
        guard pid > 0, kill(pid, 0) == 0 || errno == EPERM else { return false }
        guard let comm = try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8) else { return true }
        return comm.lowercased().contains("hoist")
    }
}
