import Foundation

/// The UTC timestamps of the ECS API: `yyyy-MM-ddTHH:mm:ssZ` on requests, and also the
/// minute-precision `yyyy-MM-ddTHH:mmZ` seen in task responses.
///
/// Written by hand instead of with `DateFormatter` so it is pure, locale-free, `Sendable` and
/// strict: the verifier must reject what ECS rejects (`IllegalTimestamp`).
public enum ECSTimestamp {
    /// Formats as `yyyy-MM-ddTHH:mm:ssZ`, dropping fractional seconds.
    public static func format(_ date: Date) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (y, m, d) = civil(fromDays: days)
        return String(format: "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ",
                      y, m, d, secondOfDay / 3600, secondOfDay / 60 % 60, secondOfDay % 60)
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
        let days = daysFromCivil(year, month, day)
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

    /// Days since 1970-01-01 of a proleptic Gregorian date (the well-known era-based method).
    private static func daysFromCivil(_ year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    private static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
