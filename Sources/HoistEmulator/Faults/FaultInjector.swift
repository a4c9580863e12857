import Foundation

/// The live fault state of a running emulator: the in-process handle tests use
/// (`server.faults`), and what the admin endpoint edits. Rules are consulted once per request
/// head; counted rules are consumed atomically so "fail the next 3" fails exactly 3.
public final class FaultInjector: Sendable {
    private let state: Locked<State>
    /// Every client connection open now, cut when the network goes down.
    let connections = OpenConnections()

    private struct State {
        var settings: FaultSettings
        var globalLimiter: BandwidthLimiter?
    }

    /// Where the connections cut by the network-down fault are counted.
    private let counters: EmulatorCounters

    init(_ settings: FaultSettings, counters: EmulatorCounters) {
        self.counters = counters
        state = Locked(State(settings: settings, globalLimiter: nil))
        replace(settings)
    }

    /// A copy of the current rules.
    public var settings: FaultSettings { state.withLock { $0.settings } }

    /// Replaces every rule.
    public func replace(_ settings: FaultSettings) {
        update { $0 = settings }
    }

    /// Edits the rules in place.
    public func update(_ body: (inout FaultSettings) -> Void) {
        let wentDown = state.withLock { s -> Bool in
            let oldCap = s.settings.bandwidth
            let wasDown = s.settings.networkDown
            body(&s.settings)
            if s.settings.bandwidth != oldCap || (s.globalLimiter == nil && s.settings.bandwidth?.scope == .global) {
                if let cap = s.settings.bandwidth, cap.scope == .global {
                    s.globalLimiter = BandwidthLimiter(bytesPerSecond: cap.bytesPerSecond)
                } else {
                    s.globalLimiter = nil
                }
            }
            return !wasDown && s.settings.networkDown
        }
        // Outside the lock: closing runs on the connections' event loops.
        if wentDown { counters.recordNetworkDownResets(connections.resetAll()) }
    }

    /// Removes every rule, including clock skew.
    public func clear() { replace(FaultSettings()) }

    public func addError(_ fault: ErrorFault) { update { $0.errors.append(fault) } }
    public func addLatency(_ fault: LatencyFault) { update { $0.latency.append(fault) } }
    public func addReset(_ fault: ResetFault) { update { $0.resets.append(fault) } }
    public func setBandwidth(_ cap: BandwidthFault?) { update { $0.bandwidth = cap } }
    public func setClockSkew(seconds: Double) { update { $0.clockSkewSeconds = seconds } }
    /// Pulls (true) or restores (false) the network; see `FaultSettings.networkDown`.
    public func setNetworkDown(_ down: Bool) { update { $0.networkDown = down } }

    /// Whether requests to the emulated services are cut now.
    public var isNetworkDown: Bool { state.withLock { $0.settings.networkDown } }

    /// The emulator's notion of "now": the real clock plus the configured skew.
    public var now: Date { Date().addingTimeInterval(state.withLock { $0.settings.clockSkewSeconds }) }

    /// What to do to one request, decided from its head.
    struct Decision {
        var error: ErrorFault?
        var latencyMilliseconds = 0
        var resetAfterBytes: Int64?
        var bandwidth: BandwidthFault?
        var globalLimiter: BandwidthLimiter?
        /// Response headers to remove before the answer is written.
        var strippedHeaders: [String] = []
    }

    func decide(operation: String) -> Decision {
        state.withLock { s in
            var d = Decision()
            d.bandwidth = s.settings.bandwidth
            d.globalLimiter = s.globalLimiter
            for rule in s.settings.latency where Self.matches(rule.operation, operation) {
                d.latencyMilliseconds += rule.milliseconds
            }
            d.strippedHeaders = s.settings.strippedHeaders.filter { Self.matches($0.operation, operation) }.map(\.header)
            if let i = s.settings.resets.firstIndex(where: { Self.matches($0.operation, operation) }) {
                d.resetAfterBytes = s.settings.resets[i].afterBytes
                if let count = s.settings.resets[i].count {
                    if count <= 1 { s.settings.resets.remove(at: i) } else { s.settings.resets[i].count = count - 1 }
                }
            }
            for i in s.settings.errors.indices where Self.matches(s.settings.errors[i].operation, operation) {
                let rule = s.settings.errors[i]
                if let rate = rule.rate, Double.random(in: 0..<1) >= rate { continue }
                d.error = rule
                if let count = rule.count {
                    if count <= 1 { s.settings.errors.remove(at: i) } else { s.settings.errors[i].count = count - 1 }
                }
                break
            }
            return d
        }
    }

    private static func matches(_ pattern: String, _ operation: String) -> Bool {
        pattern == "*" || pattern.caseInsensitiveCompare(operation) == .orderedSame
    }
}
