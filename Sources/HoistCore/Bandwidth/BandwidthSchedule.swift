/// A time-of-day bandwidth schedule: `["08:00-20:00 50MB/s", "20:00-08:00 unlimited"]`.
///
/// Each entry is `HH:MM-HH:MM RATE` in the host's local time; the window includes its start and
/// excludes its end, and one whose end is not after its start wraps past midnight (`22:00-06:00`).
/// `24:00` may end a window. Windows may not overlap, so which rate applies is never a question
/// of order; outside every window the plan's base rate applies.
public struct BandwidthSchedule: Sendable, Equatable {
    public struct Window: Sendable, Equatable {
        /// Minutes after local midnight, `0..<1440`.
        public var start: Int
        /// Minutes after local midnight, `1...1440`; `end <= start` wraps past midnight.
        public var end: Int
        public var rate: BandwidthRate

        /// Whether minute-of-day `minute` (`0..<1440`) falls inside.
        func contains(_ minute: Int) -> Bool {
            start < end ? (start..<end).contains(minute) : (minute >= start || minute < end % Self.day)
        }

        static let day = 24 * 60
    }

    public var windows: [Window]

    public init(windows: [Window]) {
        self.windows = windows
    }

    /// Why an entry was refused; `entry` is 1-based.
    public struct EntryError: Error, Sendable, Equatable, CustomStringConvertible {
        public var entry: Int
        public var text: String
        public var reason: String
        public var description: String { "entry \(entry) \"\(text)\": \(reason)" }
    }

    public static func parse(_ entries: [String]) throws(EntryError) -> BandwidthSchedule {
        var windows: [Window] = []
        for (index, text) in entries.enumerated() {
            func fail(_ reason: String) -> EntryError { EntryError(entry: index + 1, text: text, reason: reason) }
            let fields = text.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count == 2 else { throw fail("expected \"HH:MM-HH:MM RATE\", e.g. \"08:00-20:00 50MB/s\"") }
            let ends = fields[0].split(separator: "-", omittingEmptySubsequences: false)
            guard ends.count == 2, let start = minute(ends[0]), let end = minute(ends[1]) else {
                throw fail("\"\(fields[0])\" is not a time range like 08:00-20:00")
            }
            guard start < Window.day else { throw fail("a window cannot start at 24:00") }
            guard start != end % Window.day || (start == 0 && end == Window.day) else {
                throw fail("the window is empty (start equals end); use 00:00-24:00 for the whole day")
            }
            guard let rate = BandwidthRate.parse(String(fields[1])) else {
                throw fail("\"\(fields[1])\" is not \(BandwidthRate.expected)")
            }
            let window = Window(start: start, end: end == 0 ? Window.day : end, rate: rate)
            if let overlap = firstOverlap(window, windows) {
                throw fail("it overlaps entry \(overlap.entry + 1) at \(clock(overlap.minute)); windows must not overlap")
            }
            windows.append(window)
        }
        return BandwidthSchedule(windows: windows)
    }

    /// The rate of the window holding `secondOfDay`, nil outside every window.
    public func rate(atSecondOfDay secondOfDay: Int) -> BandwidthRate? {
        let minute = ((secondOfDay / 60) % Window.day + Window.day) % Window.day
        return windows.first { $0.contains(minute) }?.rate
    }

    /// Seconds from `secondOfDay` to the next window start or end (at most a day): when the rate
    /// may next change.
    public func secondsUntilBoundary(fromSecondOfDay secondOfDay: Int) -> Int {
        let now = ((secondOfDay % 86_400) + 86_400) % 86_400
        let boundaries = windows.flatMap { [$0.start * 60, ($0.end % Window.day) * 60] }
        let ahead = boundaries.map { ($0 - now + 86_400 - 1) % 86_400 + 1 }
        return ahead.min() ?? 86_400
    }

    /// `HH:MM` → minutes after midnight; `24:00` allowed (the caller refuses it as a start).
    private static func minute(_ text: Substring) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
              let hours = Int(parts[0]), let minutes = Int(parts[1]),
              (0...24).contains(hours), (0...59).contains(minutes), hours < 24 || minutes == 0 else { return nil }
        return hours * 60 + minutes
    }

    private static func firstOverlap(_ window: Window, _ earlier: [Window]) -> (entry: Int, minute: Int)? {
        for minute in 0..<Window.day where window.contains(minute) {
            if let other = earlier.firstIndex(where: { $0.contains(minute) }) { return (other, minute) }
        }
        return nil
    }

    private static func clock(_ minute: Int) -> String {
        let h = minute / 60, m = minute % 60
        return (h < 10 ? "0" : "") + "\(h):" + (m < 10 ? "0" : "") + "\(m)"
    }
}
