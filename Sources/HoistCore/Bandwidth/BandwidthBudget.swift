import Synchronization

/// The process's one bandwidth budget: a token bucket that every request body draws from as its
/// bytes leave (`Transfer`'s read callback), so the sum over every part in flight and every job
/// of the runtime stays under the cap.
///
/// Tokens refill at the current rate up to a small burst (two grants), so over any interval `t`
/// at most `rate × t + burst` bytes are granted. A grant is all or nothing: a read asks for up to
/// one *quantum* (a fiftieth of a second's worth, between 4 KiB and 1 MiB) and gets it only when
/// that many tokens are there. Large grants keep the read callbacks, wake-ups and `pread`s few
/// (low CPU); the short refill time keeps the cap accurate and the transfers interleaved.
///
/// The rate follows a `BandwidthPlan`: the schedule is re-read at its next boundary (and at
/// least every minute, so a wall-clock jump is followed), and `update` replaces the plan at any
/// time (a config reload) without disturbing transfers in flight.
///
/// Thread-safe; the transport thread is the only caller of `grant` in practice.
public final class BandwidthBudget: Sendable {
    private struct State {
        var plan: BandwidthPlan
        var rate: BandwidthRate = .unlimited
        /// `.infinity` while unlimited; clamped to the burst when a cap begins.
        var tokens: Double = .infinity
        var refilledAt: Double
        /// Monotonic time at which the schedule is read again.
        var recheckAt: Double = -.infinity
    }

    /// How a waiting reader stands: no cap, `turns` grants available now, or how long to wait.
    public enum Readiness: Sendable, Equatable {
        case unlimited
        case ready(turns: Int)
        case wait(seconds: Double)
    }

    public let clock: BandwidthClock
    private let state: Mutex<State>

    public init(_ plan: BandwidthPlan = .unlimited, clock: BandwidthClock = .system) {
        self.clock = clock
        state = Mutex(State(plan: plan, refilledAt: clock.monotonic()))
        state.withLock { advance(&$0) }
    }

    /// Replaces the plan; the new rate applies from the next grant. Transfers in flight go on.
    public func update(_ plan: BandwidthPlan) {
        state.withLock { state in
            advance(&state)
            state.plan = plan
            state.recheckAt = -.infinity
            advance(&state)
        }
    }

    /// A fixed rate, without schedule.
    public func update(rate: BandwidthRate) {
        update(BandwidthPlan(base: rate))
    }

    public var plan: BandwidthPlan { state.withLock { $0.plan } }

    /// The rate in force now.
    public var rate: BandwidthRate {
        state.withLock { state in
            advance(&state)
            return state.rate
        }
    }

    /// Takes `min(wanted, quantum)` tokens and returns that count, or returns 0 and takes nothing
    /// when there are fewer tokens.
    public func grant(upTo wanted: Int) -> Int {
        guard wanted > 0 else { return 0 }
        return state.withLock { state in
            advance(&state)
            guard let limit = state.rate.limit else { return wanted }
            let amount = min(wanted, Self.quantum(for: limit))
            guard state.tokens >= Double(amount) else { return 0 }
            state.tokens -= Double(amount)
            return amount
        }
    }

    /// Whether a full quantum can be granted now, how many times, or how long until one can.
    public func readiness() -> Readiness {
        state.withLock { state in
            advance(&state)
            guard let limit = state.rate.limit else { return .unlimited }
            let quantum = Double(Self.quantum(for: limit))
            if state.tokens >= quantum { return .ready(turns: Int(state.tokens / quantum)) }
            let refill = (quantum - state.tokens) / Double(limit)
            let untilRecheck = state.plan.schedule == nil ? refill : state.recheckAt - state.refilledAt
            return .wait(seconds: max(0, min(refill, untilRecheck)))
        }
    }

    /// The largest single grant at `limit` bytes per second.
    public static func quantum(for limit: Int64) -> Int {
        Int(min(max(limit / 50, 4 * 1024), 1024 * 1024))
    }

    /// The most tokens the bucket holds at `limit`.
    public static func burst(for limit: Int64) -> Double {
        Double(2 * quantum(for: limit))
    }

    /// Refills tokens up to now at the rate that was in force, then re-reads the schedule if due.
    private func advance(_ state: inout State) {
        let now = clock.monotonic()
        if let limit = state.rate.limit {
            let elapsed = max(0, now - state.refilledAt)
            state.tokens = min(Self.burst(for: limit), state.tokens + elapsed * Double(limit))
        }
        state.refilledAt = now
        guard now >= state.recheckAt else { return }
        let secondOfDay = clock.secondOfDay()
        let rate = state.plan.rate(atSecondOfDay: secondOfDay)
        if let next = state.plan.secondsUntilChange(fromSecondOfDay: secondOfDay) {
            state.recheckAt = now + Double(min(next, 60))
        } else {
            state.recheckAt = .infinity
        }
        guard rate != state.rate else { return }
        state.rate = rate
        if let limit = rate.limit {
            state.tokens = min(state.tokens, Self.burst(for: limit))
        } else {
            state.tokens = .infinity
        }
    }
}

extension BandwidthBudget {
    /// The low-speed abort threshold (`TransportOptions.stallBytesPerSecond`) for a transfer
    /// starting now, when up to `connections` transfers share the budget.
    ///
    /// A capped transfer is slow on purpose, so it must not look stalled: the threshold is
    /// lowered to a quarter of the smallest fair share the plan (or the rate in force) can give
    /// one transfer, never below 1 byte/s, so a path that moves nothing is still caught. Without
    /// a cap it is `standard` unchanged.
    public func stallThreshold(standard: Int, connections: Int) -> Int {
        let limits = [plan.lowestLimit, rate.limit].compactMap { $0 }
        guard let lowest = limits.min() else { return standard }
        let share = lowest / Int64(4 * max(1, connections))
        return Int(max(1, min(Int64(standard), share)))
    }
}
