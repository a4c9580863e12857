import Foundation

/// The UTC timestamps of the ECS API: `yyyy-MM-ddTHH:mm:ssZ` on requests, and also the
/// minute-precision `yyyy-MM-ddTHH:mmZ` seen in task responses.
///
/// Written by hand instead of with `DateFormatter` so it is pure, locale-free, `Sendable` and
/// strict: the verifier must reject what ECS rejects (`IllegalTimestamp`).
public enum ECSTimestamp {
    /// Formats as `yyyy-MM-ddTHH:mm:ssZ`, dropping fractional seconds.
    public static func format(_ date: Date) -> String {
        let c = CivilTime(secondsSince1970: Int64(date.timeIntervalSince1970.rounded(.down)))
        return String(format: "%04ld-%02ld-%02ldT%02ld:%02ld:%02ldZ", c.year, c.month, c.day, c.hour, c.minute, c.second)
    }

    /// Parses `yyyy-MM-ddTHH:mmZ`, `yyyy-MM-ddTHH:mm:ssZ` or `yyyy-MM-ddTHH:mm:ss.fffZ` (UTC only).
    public static func parse(_ text: String) -> Date? {
        let b = Array(text.utf8)
        guard b.count >= 17, b.last == UInt8(ascii: "Z"), b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
              b[10] == UInt8(ascii: "T"), b[13] == UInt8(ascii: ":"),
              let year = number(b, 0, 4), let month = number(b, 5, 2), let day = number(b, 8, 2),
              let hour = number(b, 11, 2), let minute = number(b, 14, 2) else { return nil }
        var second: Int64 = 0
        var fraction = 0.0
        if b.count == 17 {
            // minute precision
        } else {
            guard b.count >= 20, b[16] == UInt8(ascii: ":"), let s = number(b, 17, 2) else { return nil }
            second = s
            if b.count > 20 {
                guard b[19] == UInt8(ascii: "."), b.count > 21 else { return nil }
                let digits = b[20..<(b.count - 1)]
                guard digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
                fraction = Double("0." + String(decoding: digits, as: UTF8.self)) ?? 0
            }
        }
        guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
              hour < 24, minute < 60, second < 60 else { return nil }
        let days = Int64(CivilTime.daysSince1970(year: Int(year), month: Int(month), day: Int(day)))
        let total = days * 86_400 + hour * 3600 + minute * 60 + second
        return Date(timeIntervalSince1970: Double(total) + fraction)
    }

    private static func number(_ b: [UInt8], _ start: Int, _ count: Int) -> Int64? {
        var value: Int64 = 0
        for i in start..<(start + count) {
            guard b[i] >= 48, b[i] <= 57 else { return nil }
            value = value * 10 + Int64(b[i] - 48)
        }
        return value
    }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
