#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What the source file was when its upload started: the facts that must still hold for the
/// parts already in OSS to be parts of *this* file.
///
/// Device and inode catch a file replaced under the same name (an image rebuilt with
/// `mv new.qcow2 disk.qcow2`); birth time catches a file deleted and re-created on a reused
/// inode; size and the nanosecond mtime catch one rewritten in place. The ctime catches a
/// rewrite whose mtime was put back afterwards (`cp -p`, `rsync -t --inplace`, reproducible
/// build timestamps): no program can set the ctime, and every write, `utimensat`, chmod,
/// chown or new hard link moves it. The price is that a chmod also restarts the upload.
/// Content hashes would be stronger but would mean reading a multi-GiB file before resuming;
/// `--verify-local` re-reads only the journaled parts.
///
/// The ctime and birth time are optional: journals from before they were recorded hold none,
/// and some filesystems keep no birth time. A time missing on either side is left out of the
/// comparison rather than counted as a change.
public struct SourceIdentity: Sendable, Equatable, Hashable, Codable {
    public var device: UInt64
    public var inode: UInt64
    public var size: Int64
    /// Modification time in nanoseconds since the Unix epoch.
    public var mtimeNanoseconds: Int64
    /// Status-change time in nanoseconds since the Unix epoch.
    public var ctimeNanoseconds: Int64?
    /// Creation time in nanoseconds since the Unix epoch, where the filesystem records one.
    public var birthNanoseconds: Int64?

    public init(device: UInt64, inode: UInt64, size: Int64, mtimeNanoseconds: Int64, ctimeNanoseconds: Int64? = nil,
                birthNanoseconds: Int64? = nil) {
        self.device = device
        self.inode = inode
        self.size = size
        self.mtimeNanoseconds = mtimeNanoseconds
        self.ctimeNanoseconds = ctimeNanoseconds
        self.birthNanoseconds = birthNanoseconds
    }

    /// The identity of the file at `path` (following symbolic links, as opening it would).
    public init(path: String) throws(SourceIdentityError) {
        var info = stat()
        guard stat(path, &info) == 0 else { throw .statFailed(path: path, errno: errno) }
        self.init(info, birthNanoseconds: BirthTime.of(path: path))
    }

    /// The identity of an open file: use this on the descriptor the upload reads from, so the
    /// identity and the bytes sent are guaranteed to belong to the same file.
    public init(fileDescriptor: Int32, path: String = "<descriptor>") throws(SourceIdentityError) {
        var info = stat()
        guard fstat(fileDescriptor, &info) == 0 else { throw .statFailed(path: path, errno: errno) }
        self.init(info, birthNanoseconds: BirthTime.of(fileDescriptor: fileDescriptor))
    }

    init(_ info: stat, birthNanoseconds: Int64?) {
        #if canImport(Darwin)
        let mtime = info.st_mtimespec
        let ctime = info.st_ctimespec
        #else
        let mtime = info.st_mtim
        let ctime = info.st_ctim
        #endif
        self.init(
            device: UInt64(truncatingIfNeeded: info.st_dev),
            inode: UInt64(truncatingIfNeeded: info.st_ino),
            size: Int64(info.st_size),
            mtimeNanoseconds: Int64(mtime.tv_sec) * 1_000_000_000 + Int64(mtime.tv_nsec),
            ctimeNanoseconds: Int64(ctime.tv_sec) * 1_000_000_000 + Int64(ctime.tv_nsec),
            birthNanoseconds: birthNanoseconds)
    }

    /// One sentence saying how `current` differs from this (recorded) identity, or `nil` if it
    /// does not. The most fundamental difference wins: a replaced file usually also has a new
    /// size and mtime, but "replaced" is what the operator needs to hear.
    public func change(to current: SourceIdentity) -> String? {
        if device != current.device || inode != current.inode {
            let place = device == current.device ? "" : " on device \(current.device)"
            return "file was replaced (inode \(inode) is now inode \(current.inode)\(place))"
        }
        if let birth = birthNanoseconds, let now = current.birthNanoseconds, birth != now {
            return "file was re-created at \(Self.timestamp(now)) (recorded \(Self.timestamp(birth)))"
        }
        if size != current.size {
            return "size changed from \(size) to \(current.size) bytes"
        }
        if mtimeNanoseconds != current.mtimeNanoseconds {
            return "modified at \(Self.timestamp(current.mtimeNanoseconds)), "
                + "after the upload started (recorded \(Self.timestamp(mtimeNanoseconds)))"
        }
        if let ctime = ctimeNanoseconds, let now = current.ctimeNanoseconds, ctime != now {
            return "its inode changed at \(Self.timestamp(now)) (ctime; recorded \(Self.timestamp(ctime))): "
                + "rewritten with its modification time put back, or its permissions or links changed"
        }
        return nil
    }

    /// UTC `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`: full precision, because two writes within the same
    /// second must not look identical in the message.
    static func timestamp(_ nanoseconds: Int64) -> String {
        var seconds = time_t(nanoseconds.floorDiv(1_000_000_000))
        let fraction = nanoseconds - Int64(seconds) * 1_000_000_000
        var parts = tm()
        guard gmtime_r(&seconds, &parts) != nil else { return "\(nanoseconds) ns since the epoch" }
        func pad(_ value: some BinaryInteger, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))"
            + "T\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))"
            + ".\(pad(fraction, 9))Z"
    }
}

extension Int64 {
    /// Division rounding toward negative infinity, so pre-1970 times split into a valid
    /// second and a non-negative fraction.
    fileprivate func floorDiv(_ divisor: Int64) -> Int64 {
        let q = self / divisor
        return (self % divisor < 0) ? q - 1 : q
    }
}

/// The source file could not be examined.
public enum SourceIdentityError: Error, Equatable, Sendable, CustomStringConvertible {
    case statFailed(path: String, errno: Int32)

    public var description: String {
        switch self {
        case let .statFailed(path, code):
            "cannot examine \(path): \(String(cString: strerror(code)))"
        }
    }
}
