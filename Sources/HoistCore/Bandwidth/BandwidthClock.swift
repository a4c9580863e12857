#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The two clocks a bandwidth budget reads: a monotonic one for refilling tokens (wall-clock
/// jumps must not mint or destroy bandwidth) and the local time of day for the schedule.
/// Tests inject both.
public struct BandwidthClock: Sendable {
    /// Seconds on a monotonic clock.
    public var monotonic: @Sendable () -> Double
    /// Seconds since local midnight, `0..<86400`.
    public var secondOfDay: @Sendable () -> Int

    public init(monotonic: @escaping @Sendable () -> Double, secondOfDay: @escaping @Sendable () -> Int) {
        self.monotonic = monotonic
        self.secondOfDay = secondOfDay
    }

    public static let system = BandwidthClock(
        monotonic: {
            var now = timespec()
            clock_gettime(CLOCK_MONOTONIC, &now)
            return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
        },
        secondOfDay: {
            var now = time(nil)
            var local = tm()
            localtime_r(&now, &local)
            return Int(local.tm_hour) * 3600 + Int(local.tm_min) * 60 + Int(local.tm_sec)
        })
}
