/// What the process's bandwidth budget follows: a base rate and, optionally, a time-of-day
/// schedule whose windows override it. `--bandwidth` (or `HOIST_BANDWIDTH`) replaces the whole
/// plan with a fixed rate, since a flag is the most deliberate statement of what is wanted now.
public struct BandwidthPlan: Sendable, Equatable, CustomStringConvertible {
    public var base: BandwidthRate
    public var schedule: BandwidthSchedule?

    public init(base: BandwidthRate = .unlimited, schedule: BandwidthSchedule? = nil) {
        self.base = base
        self.schedule = schedule
    }

    public static let unlimited = BandwidthPlan()

    /// The rate in force at `secondOfDay` (local time).
    public func rate(atSecondOfDay secondOfDay: Int) -> BandwidthRate {
        schedule?.rate(atSecondOfDay: secondOfDay) ?? base
    }

    /// Seconds until the rate may change; nil for a plan without a schedule.
    public func secondsUntilChange(fromSecondOfDay secondOfDay: Int) -> Int? {
        schedule?.secondsUntilBoundary(fromSecondOfDay: secondOfDay)
    }

    /// The smallest rate the plan can ever set; nil when it never caps. The base counts only
    /// when some minute of the day falls outside every window.
    public var lowestLimit: Int64? {
        let windows = schedule?.windows ?? []
        let baseApplies = (0..<(24 * 60)).contains { minute in !windows.contains { $0.contains(minute) } }
        return ((baseApplies ? [base] : []) + windows.map(\.rate)).compactMap(\.limit).min()
    }

    public var description: String {
        guard let schedule, !schedule.windows.isEmpty else { return base.description }
        let windows = schedule.windows.map { window in
            "\(Self.clock(window.start))-\(Self.clock(window.end)) \(window.rate)"
        }
        return "\(base) outside " + windows.joined(separator: ", ")
    }

    private static func clock(_ minute: Int) -> String {
        let h = minute / 60, m = minute % 60
        return (h < 10 ? "0" : "") + "\(h):" + (m < 10 ? "0" : "") + "\(m)"
    }
}
