import Foundation

/// How often an import is polled. Imports take minutes to hours, so polling starts at a few
/// seconds (a small image in a quiet region finishes quickly) and slows down to a steady
/// interval that keeps DescribeImages far below ECS's throttling limits.
public struct ImportPollSchedule: Sendable, Equatable {
    public var initial: Duration
    public var factor: Double
    public var maximum: Duration

    public init(initial: Duration = .seconds(10), factor: Double = 1.5, maximum: Duration = .seconds(60)) {
        self.initial = initial
        self.factor = max(1, factor)
        self.maximum = max(initial, maximum)
    }

    /// 10 s, 15 s, 22.5 s, … up to 60 s (the reference's recommendation).
    public static let standard = ImportPollSchedule()

    /// The wait after the `poll`-th poll (0-based).
    public func delay(afterPoll poll: Int) -> Duration {
        let grown = initial.seconds * pow(factor, Double(min(poll, 64)))
        return .seconds(min(grown, maximum.seconds))
    }
}

/// Retries of one ECS call that failed with a retryable error (throttling, 5xx, network):
/// exponential back-off with full jitter, capped, so many hosts throttled at once spread out
/// instead of retrying in lockstep. ImportImage retries keep the same ClientToken.
public struct ImportRetryPolicy: Sendable, Equatable {
    public var base: Duration
    public var cap: Duration
    /// Attempts per call, the first included; nil retries for ever (the agent waits out a lost
    /// network; the CLI gives up and leaves the job for a rerun).
    public var maxAttempts: Int?

    public init(base: Duration = .seconds(1), cap: Duration = .seconds(60), maxAttempts: Int? = 8) {
        self.base = base
        self.cap = max(base, cap)
        self.maxAttempts = maxAttempts.map { max(1, $0) }
    }

    public static let standard = ImportRetryPolicy()

    /// The upper bound of the wait before retry number `retry` (1-based): `base · 2^(retry-1)`, capped.
    public func ceiling(beforeRetry retry: Int) -> Duration {
        let exponent = Double(min(max(retry - 1, 0), 62))
        return .seconds(min(base.seconds * pow(2, exponent), cap.seconds))
    }

    /// A full-jitter wait: uniform in `0…ceiling`. `unit` yields a value in `0..<1` (injectable for tests).
    public func delay(beforeRetry retry: Int, unit: () -> Double = { Double.random(in: 0..<1) }) -> Duration {
        .seconds(ceiling(beforeRetry: retry).seconds * min(max(unit(), 0), 1))
    }

    public func allowsAnotherAttempt(after attempts: Int) -> Bool {
        maxAttempts.map { attempts < $0 } ?? true
    }
}

extension Duration {
    /// The duration as fractional seconds.
    public var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) / 1e18
    }
}
