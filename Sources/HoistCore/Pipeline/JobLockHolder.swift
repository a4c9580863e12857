import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Who holds a job lock, as its holder wrote it into the lock file after locking: what a
/// refused run prints, so the operator can find the other process.
///
/// The record is informational only; the `flock` is the lock. A record left by a dead holder
/// is overwritten by the next one to take the lock, and is never shown while the lock is free.
public struct JobLockHolder: Sendable, Equatable {
    public var pid: Int32
    /// When the holder took the lock, to the millisecond.
    public var since: Date

    public init(pid: Int32, since: Date) {
        self.pid = pid
        self.since = Date(timeIntervalSince1970: (since.timeIntervalSince1970 * 1000).rounded() / 1000)
    }

    static func current() -> JobLockHolder { JobLockHolder(pid: getpid(), since: Date()) }

    /// UTC, to the second.
    public var sinceText: String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: since)
    }

    /// Fixed length, so every record overwrites the previous one completely in one write.
    static let recordLength = 64

    /// `pid=<pid> since_ms=<unix ms>`, space-padded, ending in a newline.
    var record: [UInt8] {
        let text = "pid=\(pid) since_ms=\(Int64((since.timeIntervalSince1970 * 1000).rounded()))"
        var bytes = Array(text.utf8.prefix(Self.recordLength - 1))
        bytes += [UInt8](repeating: UInt8(ascii: " "), count: Self.recordLength - 1 - bytes.count)
        return bytes + [UInt8(ascii: "\n")]
    }

    init?(record text: String) {
        var fields: [Substring: Substring] = [:]
        for field in text.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            guard let equals = field.firstIndex(of: "=") else { continue }
            fields[field[..<equals]] = field[field.index(after: equals)...]
        }
        guard let pid = fields["pid"].flatMap({ Int32($0) }), pid > 0,
              let millis = fields["since_ms"].flatMap({ Int64($0) }) else { return nil }
        self.init(pid: pid, since: Date(timeIntervalSince1970: Double(millis) / 1000))
    }

    func write(fd: Int32) {
        let bytes = record
        _ = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        _ = ftruncate(fd, off_t(Self.recordLength))
    }

    /// The last holder recorded in the lock file of `key`, without touching the lock (probing
    /// it could make a real acquirer fail). It may name a process that has since released the
    /// lock or died; only a refused `JobLock.acquire` proves the lock is held.
    public static func recorded(for key: JobLockKey, in directory: LockDirectory) -> JobLockHolder? {
        let fd = open(directory.path + "/" + key.fileName, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return read(fd: fd)
    }

    /// The record in an open lock file, or nil when there is none yet (a holder that has just
    /// locked and not yet written) or it is unreadable.
    static func read(fd: Int32) -> JobLockHolder? {
        var buffer = [UInt8](repeating: 0, count: recordLength)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        return JobLockHolder(record: String(decoding: buffer[0..<count], as: UTF8.self))
    }
}
