import Foundation
import HoistCore
import Synchronization

/// The agent's one-line status (`STATUS=`, shown by `systemctl status`), built from what the
/// running jobs report: e.g. "uploading disk.qcow2 43%; 1 queued; importing 1; network down 40 s".
///
/// Invariant: a job appears from `started` until `ended`; `queued` counts work accepted but
/// not started (including jobs waiting to be tried again).
final class AgentStatus: Sendable {
    enum Phase: Sendable, Equatable {
        case starting
        case uploading(percent: Int)
        case importing
        case waitingForLock
    }

    private struct State {
        var jobs: [String: Phase] = [:]
        var order: [String] = []
        var queued = 0
        var networkDownSince: Double?
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
            $0.jobs[name] = .starting
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
            let before = state.jobs[name]
            switch event {
            case .waitingForLock: state.jobs[name] = .waitingForLock
            case .upload(.progress(let progress)):
                let percent = progress.totalBytes > 0 ? Int(progress.bytesDone * 100 / progress.totalBytes) : 0
                state.jobs[name] = .uploading(percent: percent)
            case .upload(.started), .upload(.initiated), .upload(.adoptedUpload):
                if case .uploading = before {} else { state.jobs[name] = .uploading(percent: 0) }
            case .upload(.networkDown):
                if state.networkDownSince == nil { state.networkDownSince = now() }
            case .upload(.networkBack):
                state.networkDownSince = nil
            case .uploaded, .import: state.jobs[name] = .importing
            default: break
            }
            return before != state.jobs[name] || event.isNetworkChange
        }
    }

    /// The status line now.
    var line: String {
        state.withLock { state in
            var parts: [String] = []
            var importing = 0
            for name in state.order {
                switch state.jobs[name] {
                case .uploading(let percent): parts.append("uploading \(name) \(percent)%")
                case .starting: parts.append("starting \(name)")
                case .waitingForLock: parts.append("\(name) waiting for another hoist")
                case .importing: importing += 1
                case nil: break
                }
            }
            if state.queued > 0 { parts.append("\(state.queued) queued") }
            if importing > 0 { parts.append("importing \(importing)") }
            if let since = state.networkDownSince { parts.append("network down \(Int(now() - since)) s") }
            return parts.isEmpty ? "idle; waiting for images" : parts.joined(separator: "; ")
        }
    }
}

extension JobEvent {
    var isNetworkChange: Bool {
        switch self {
        case .upload(.networkDown), .upload(.networkBack): true
        default: false
        }
    }
}
