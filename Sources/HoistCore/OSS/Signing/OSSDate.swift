import Foundation

/// The three timestamp forms OSS uses, formatted and parsed by hand.
///
/// `DateFormatter` is neither `Sendable` nor cheap, and its locale handling has bitten HTTP-date
/// code before (localised weekday names). These forms are fixed-width ASCII in UTC, so laying out
/// `CivilTime` fields is both simpler and safe to call from any task.
public enum OSSDate {
    /// RFC 1123, as in the `Date` header and V1 signing: `Mon, 15 Jan 2024 08:30:00 GMT`.
    public static func rfc1123(_ date: Date) -> String {
        let c = CivilTime(secondsSince1970: floorSeconds(date))
        return "\(weekdays[c.weekday]), \(pad(c.day, 2)) \(months[c.month - 1]) \(pad(c.year, 4)) "
            + "\(pad(c.hour, 2)):\(pad(c.minute, 2)):\(pad(c.second, 2)) GMT"
    }

    /// ISO 8601 basic, as in `x-oss-date` for V4: `20240115T083000Z`.
    public static func iso8601Basic(_ date: Date) -> String {
        let c = CivilTime(secondsSince1970: floorSeconds(date))
        return "\(pad(c.year, 4))\(pad(c.month, 2))\(pad(c.day, 2))T\(pad(c.hour, 2))\(pad(c.minute, 2))\(pad(c.second, 2))Z"
    }

    /// ISO 8601 with milliseconds, as inside XML bodies: `2024-01-15T08:30:01.000Z`.
    public static func iso8601Millis(_ date: Date) -> String {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let seconds = millis >= 0 ? millis / 1000 : (millis - 999) / 1000
        let c = CivilTime(secondsSince1970: seconds)
        return "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))T\(pad(c.hour, 2)):\(pad(c.minute, 2)):\(pad(c.second, 2))."
            + "\(pad(Int(millis - seconds * 1000), 3))Z"
    }

    /// Parses RFC 1123 (`GMT` or `UTC` zone). The weekday is not checked: servers ignore it too.
    public static func parseRFC1123(_ text: String) -> Date? {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 6, parts[0].hasSuffix(","), parts[5] == "GMT" || parts[5] == "UTC",
              let day = Int(parts[1]), let monthIndex = months.firstIndex(of: String(parts[2])),
              let year = Int(parts[3]) else { return nil }
        let hms = parts[4].split(separator: ":")
        guard hms.count == 3, let h = Int(hms[0]), let m = Int(hms[1]), let s = Int(hms[2]) else { return nil }
        return make(year: year, month: monthIndex + 1, day: day, hour: h, minute: m, second: s, millis: 0)
    }

    /// Parses `YYYYMMDDTHHMMSSZ`.
    public static func parseISO8601Basic(_ text: String) -> Date? {
        let b = Array(text.utf8)
        guard b.count == 16, b[8] == UInt8(ascii: "T"), b[15] == UInt8(ascii: "Z"),
              let year = digits(b, 0, 4), let month = digits(b, 4, 2), let day = digits(b, 6, 2),
              let h = digits(b, 9, 2), let m = digits(b, 11, 2), let s = digits(b, 13, 2) else { return nil }
        return make(year: year, month: month, day: day, hour: h, minute: m, second: s, millis: 0)
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fff]Z`, the form of `LastModified` and `Initiated` in XML.
    public static func parseISO8601(_ text: String) -> Date? {
        let b = Array(text.utf8)
        guard b.count >= 20, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), b[10] == UInt8(ascii: "T"),
              b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"), b.last == UInt8(ascii: "Z"),
              let year = digits(b, 0, 4), let month = digits(b, 5, 2), let day = digits(b, 8, 2),
              let h = digits(b, 11, 2), let m = digits(b, 14, 2), let s = digits(b, 17, 2) else { return nil }
        var millis = 0
        if b.count > 20 {
            // Any number of fraction digits is valid; only the first three matter, and reading
            // all of them as one number would overflow on a long (or hostile) fraction.
            let fraction = b[20..<(b.count - 1)]
            guard b[19] == UInt8(ascii: "."), !fraction.isEmpty,
                  fraction.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
            let three = Array(fraction.prefix(3)) + Array(repeating: UInt8(ascii: "0"), count: max(0, 3 - fraction.count))
            millis = digits(three, 0, 3) ?? 0
        }
        return make(year: year, month: month, day: day, hour: h, minute: m, second: s, millis: millis)
    }

    // MARK: - Civil calendar

    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    private static func floorSeconds(_ date: Date) -> Int64 {
        Int64(date.timeIntervalSince1970.rounded(.down))
    }

    private static func make(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, millis: Int) -> Date? {
        guard (1...12).contains(month), (1...31).contains(day), (0...23).contains(hour),
              (0...59).contains(minute), (0...60).contains(second) else { return nil }
        let days = CivilTime.daysSince1970(year: year, month: month, day: day)
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        return Date(timeIntervalSince1970: Double(seconds) + Double(millis) / 1000)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let s = String(value)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    private static func digits(_ bytes: [UInt8], _ start: Int, _ count: Int) -> Int? {
        guard count > 0, start + count <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[start..<start + count] {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

}
