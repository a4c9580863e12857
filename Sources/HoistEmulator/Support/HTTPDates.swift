import Foundation
import HoistCore

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

    /// Whole seconds, as OSS keeps them.
    private static func fields(_ date: Date) -> CivilTime {
        CivilTime(secondsSince1970: Int64(date.timeIntervalSince1970.rounded(.down)))
    }
}
