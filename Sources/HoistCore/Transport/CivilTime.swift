/// A UTC instant as calendar fields, and a calendar date as days since 1970-01-01, by the
/// era-based proleptic Gregorian algorithm (days_from_civil / civil_from_days).
///
/// OSS dates, ECS timestamps and the emulator's HTTP dates are all fixed-width ASCII in UTC and
/// are written by hand, because `DateFormatter` is neither `Sendable` nor cheap and its locale
/// handling has broken HTTP dates before. They differ only in layout; the calendar arithmetic
/// under them is this one piece, so a signer and the emulator's verifier cannot disagree on a day.
public struct CivilTime: Sendable, Equatable {
    public var year: Int
    /// 1...12.
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int
    /// 0 is Sunday.
    public var weekday: Int

    /// The fields of the whole second `seconds` after the epoch (negative values are before it).
    public init(secondsSince1970 seconds: Int64) {
        let days = Int(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
        let rest = Int(seconds - Int64(days) * 86_400)
        hour = rest / 3600
        minute = rest % 3600 / 60
        second = rest % 60
        weekday = ((days % 7) + 7 + 4) % 7   // 1970-01-01 was a Thursday
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        day = doy - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (month <= 2 ? 1 : 0)
    }

    /// Days since 1970-01-01 of a date; the fields are not range-checked here, callers validate
    /// them against their own format's rules first.
    public static func daysSince1970(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
