import Foundation

/// How Swift values that SQLite cannot hold directly are stored.
///
/// SQLite integers are signed 64-bit, so a `UInt64` (CRC-64, device, inode) is stored as the
/// `Int64` with the same bits: lossless, eight bytes, and compared exactly. Times are whole
/// Unix milliseconds so that a value read back is bit-for-bit the value written, which
/// text dates and floating-point seconds do not guarantee.
enum JournalValues {
    static func stored(_ value: UInt64) -> Int64 { Int64(bitPattern: value) }
    static func unsigned(_ stored: Int64) -> UInt64 { UInt64(bitPattern: stored) }

    static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }

    static func date(_ milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    /// `date` as it will read back from the journal; records returned from writes use this so
    /// they compare equal to the same record fetched later.
    static func normalized(_ date: Date) -> Date { self.date(milliseconds(date)) }

    static func enumValue<E: RawRepresentable>(_ type: E.Type, _ raw: String, column: String) throws -> E
    where E.RawValue == String {
        guard let value = E(rawValue: raw) else { throw JournalError.unreadableValue(column: column, value: raw) }
        return value
    }
}
