/// Exponential back-off with full jitter: the wait before retry `n` is uniform in
/// `0 ... min(cap, base × 2^(n-1))`.
///
/// Full jitter (rather than a fixed doubling) spreads the retries of many parts that failed
/// together, e.g. when a connection pool was reset, so they do not hit the service again in one
/// burst. The cap keeps a long outage from growing waits into hours: at most a minute passes
/// between the network returning and the next attempt noticing.
public struct Backoff: Sendable, Equatable {
    /// Upper bound of the first wait, in seconds.
    public var base: Double
    /// Upper bound of any wait, in seconds.
    public var cap: Double

    public init(base: Double = 0.5, cap: Double = 60) {
        self.base = base
        self.cap = cap
    }

    /// The largest wait retry number `attempt` (1-based) may draw.
    public func ceiling(attempt: Int) -> Double {
        let exponent = min(max(attempt - 1, 0), 62)
        // Doubling overflows nothing here: the cap is reached long before 2^62.
        let grown = base * Double(UInt64(1) << UInt64(exponent))
        return min(cap, grown)
    }

    /// A wait for retry number `attempt`, drawn with `unit`, a value in `0..<1`.
    public func delay(attempt: Int, unit: Double) -> Double {
        ceiling(attempt: attempt) * min(max(unit, 0), 1)
    }

    /// A random wait for retry number `attempt`.
    public func delay(attempt: Int) -> Double {
        delay(attempt: attempt, unit: Double.random(in: 0..<1))
    }
}
