import Foundation

/// The two timestamp shapes OSS speaks: RFC 1123 in `Date`/`Last-Modified` headers and ISO 8601
/// with milliseconds inside XML. Formatting is done by hand from UTC calendar fields because
/// `DateFormatter` is slow and not safe to share across threads.
enum HTTPDates {
    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `Mon, 15 Jan 2024 08:30:00 GMT`
    static func rfc1123(_ date: Date) -> String {
        let f = fields(date)
        return "\(days[f.weekday]), \(pad(f.day)) \(months[f.month - 1]) \(f.year) \(pad(f.hour)):\(pad(f.minute)):\(pad(f.second)) GMT"
    }

    /// `2024-01-15T08:30:00.000Z`. OSS keeps whole seconds and always writes `.000`; oss2's
    /// parser accepts nothing else.
    static func iso8601(_ date: Date) -> String {
        let f = fields(date)
        return "\(f.year)-\(pad(f.month))-\(pad(f.day))T\(pad(f.hour)):\(pad(f.minute)):\(pad(f.second)).000Z"
    }

    private static func pad(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }

    private static func fields(_ date: Date) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, weekday: Int) {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        var daysSinceEpoch = seconds / 86_400
        var rest = seconds % 86_400
        if rest < 0 { rest += 86_400; daysSinceEpoch -= 1 }
        // Civil-from-days (proleptic Gregorian), valid for all dates the emulator meets.
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        let weekday = ((daysSinceEpoch % 7) + 11) % 7  // 1970-01-01 was a Thursday (4)
        return (year, month, day, rest / 3600, (rest % 3600) / 60, rest % 60, weekday)
    }
}
