import Foundation
import HoistCore
import Synchronization

/// The agent's live state, built from what the running jobs report: the one-line status
/// (`STATUS=`, shown by `systemctl status`), e.g. "uploading disk.qcow2 43% 812 MB/s; 2 queued;
/// importing 1; network down 40 s", and the same facts as a `Snapshot` for the status file that
/// `hoist status` reads.
///
/// Invariant: a job appears from `started` until `ended`; `queued` counts work accepted but
/// not started (including jobs waiting to be tried again).
final class AgentStatus: Sendable {
    enum Phase: String, Sendable, Equatable, Codable {
        case starting
        case uploading
        case importing
        case waitingForLock = "waiting-for-lock"
        /// An earlier build's import still reads the object this job would overwrite.
        case waitingForImport = "waiting-for-import"
    }

    /// One running job as the status shows it.
    struct Job: Sendable, Equatable, Codable {
        var name: String
        var phase: Phase
        /// Upload progress, 0-100; nil before the first progress report.
        var percent: Int?
        /// Bytes per second over the upload's recent window; nil or 0 when unknown.
        var bytesPerSecond: Double?
        var bytesDone: Int64?
        var bytesTotal: Int64?
    }

    /// The state at one moment.
    struct Snapshot: Sendable, Equatable {
        var jobs: [Job] = []
        var queued = 0
        /// Seconds the network has been down; nil while it is up.
        var networkDownSeconds: Int?
        /// Wall-clock time of the last change of the network's state (the agent's start at first).
        var networkSince = Date()
    }

    private struct State {
        var jobs: [String: Job] = [:]
        var order: [String] = []
        var queued = 0
        var networkDownSince: Double?
        var networkSince = Date()
    }

    private let state = Mutex(State())
    private let now: @Sendable () -> Double

    init(now: @escaping @Sendable () -> Double = AgentMetrics.uptimeSeconds) {
        self.now = now
    }

    func queued(_ delta: Int) { state.withLock { $0.queued = max(0, $0.queued + delta) } }

    func started(_ name: String) {
        state.withLock {
            if $0.jobs[name] == nil { $0.order.append(name) }
            $0.jobs[name] = Job(name: name, phase: .starting)
        }
    }

    func ended(_ name: String) {
        state.withLock {
            $0.jobs[name] = nil
            $0.order.removeAll { $0 == name }
        }
    }

    /// Follows one job event. Returns whether the line changed enough to send again.
    @discardableResult
    func record(_ event: JobEvent, job name: String) -> Bool {
        state.withLock { state in
            guard var job = state.jobs[name] else {
                return Self.recordNetwork(event, in: &state, now: now())
            }
            let before = job
            switch event {
            case .waitingForLock: job.phase = .waitingForLock
            case .upload(.progress(let progress)):
                job.phase = .uploading
                job.percent = progress.totalBytes > 0 ? Int(progress.bytesDone * 100 / progress.totalBytes) : 0
                job.bytesPerSecond = progress.bytesPerSecond
                job.bytesDone = progress.bytesDone
                job.bytesTotal = progress.totalBytes
            case .upload(.started), .upload(.initiated), .upload(.adoptedUpload):
                if job.phase != .uploading {
                    job.phase = .uploading
                    job.percent = job.percent ?? 0
                }
            case .import(.waitingForEarlierImport): job.phase = .waitingForImport
            case .uploaded, .import: job.phase = .importing
            default: break
            }
            state.jobs[name] = job
            let network = Self.recordNetwork(event, in: &state, now: now())
            return before.phase != job.phase || before.percent != job.percent || network
        }
    }

    private static func recordNetwork(_ event: JobEvent, in state: inout State, now: Double) -> Bool {
        switch event {
        case .upload(.networkDown):
            if state.networkDownSince == nil {
                state.networkDownSince = now
                state.networkSince = Date()
            }
            return true
        case .upload(.networkBack):
            if state.networkDownSince != nil { state.networkSince = Date() }
            state.networkDownSince = nil
            return true
        default:
            return false
        }
    }

    var snapshot: Snapshot {
        let current = now()
        return state.withLock { state in
            Snapshot(jobs: state.order.compactMap { state.jobs[$0] }, queued: state.queued,
                     networkDownSeconds: state.networkDownSince.map { Int(current - $0) },
                     networkSince: state.networkSince)
        }
    }

    /// The status line now.
    var line: String { Self.line(snapshot) }

    /// The status line of `snapshot`: uploads first (name, percent, speed), then the queue,
    /// the imports and the network when it is down; "idle" when there is nothing to say.
    static func line(_ snapshot: Snapshot) -> String {
        var parts: [String] = []
        var importing = 0
        for job in snapshot.jobs {
            switch job.phase {
            case .uploading:
                var text = "uploading \(job.name) \(job.percent ?? 0)%"
                if let speed = job.bytesPerSecond, speed > 0 { text += " " + rate(speed) }
                parts.append(text)
            case .starting: parts.append("starting \(job.name)")
            case .waitingForLock: parts.append("\(job.name) waiting for another hoist")
            case .waitingForImport: parts.append("\(job.name) waiting for an earlier import of its object")
            case .importing: importing += 1
            }
        }
        if snapshot.queued > 0 { parts.append("\(snapshot.queued) queued") }
        if importing > 0 { parts.append("importing \(importing)") }
        if let seconds = snapshot.networkDownSeconds { parts.append("network down \(seconds) s") }
        return parts.isEmpty ? "idle; waiting for images" : parts.joined(separator: "; ")
    }

    /// A speed as a person reads it in one glance: "812 MB/s", "1.2 GB/s", "640 kB/s" (SI units,
    /// as network speeds are given).
    static func rate(_ bytesPerSecond: Double) -> String {
        switch bytesPerSecond {
        case 1e9...: String(format: "%.1f GB/s", bytesPerSecond / 1e9)
        case 1e6...: String(format: "%.0f MB/s", bytesPerSecond / 1e6)
        case 1e3...: String(format: "%.0f kB/s", bytesPerSecond / 1e3)
        default: String(format: "%.0f B/s", bytesPerSecond)
        }
    }
}
