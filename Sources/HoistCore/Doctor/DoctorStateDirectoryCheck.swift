import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The state directory (journal and job locks): owned by the user Hoist runs as, mode 0700
/// (it names buckets, keys and upload ids), writable, with room for the journal to grow.
/// Read-only: doctor never creates or narrows it (`StateDirectory.create()` does that on first use).
enum DoctorStateDirectoryCheck {
    /// Below this much free space the journal's WAL may not be able to checkpoint.
    static let lowSpace: UInt64 = 1 << 30

    static func run(_ context: DoctorContext) -> DoctorResult {
        guard let directory = context.settings?.stateDirectory else {
            return .skip("state", "state directory", "needs settings that resolve")
        }
        return check(directory.path, effectiveUserID: geteuid())
    }

    static func check(_ path: String, effectiveUserID: uid_t) -> DoctorResult {
        let me = userName(effectiveUserID)
        var info = stat()
        guard stat(path, &info) == 0 else {
            let parent = nearestExisting(above: path)
            if access(parent, W_OK | X_OK) == 0 {
                return .pass("state", "state directory", "\(path) does not exist yet; it is created (mode 0700) on first "
                             + "use, under \(parent), which \(me) may write" + space(parent))
            }
            return .fail("state", "state directory", "\(path) does not exist and \(me) may not create it in \(parent)",
                         fix: "create it: sudo install -d -m 0700 -o \(me) \(path), or choose another with --state-dir, "
                             + "HOIST_STATE_DIRECTORY or [state] directory")
        }
        guard info.st_mode & mode_t(S_IFMT) == mode_t(S_IFDIR) else {
            return .fail("state", "state directory", "\(path) exists and is not a directory",
                         fix: "move it away, or choose another directory with --state-dir, HOIST_STATE_DIRECTORY or [state] directory")
        }
        let owner = userName(info.st_uid)
        if info.st_uid != effectiveUserID {
            return .fail("state", "state directory", "\(path) belongs to \(owner), not to \(me) who runs this check",
                         fix: "run hoist doctor as the user hoist runs as (sudo -u \(owner) hoist doctor), or "
                             + "chown -R \(me) \(path)")
        }
        let mode = info.st_mode & 0o777
        if mode & 0o077 != 0 {
            return .fail("state", "state directory", "\(path) has mode \(String(mode, radix: 8)): other users may read the "
                         + "journal (buckets, keys, upload ids)", fix: "chmod 700 \(path)")
        }
        if access(path, W_OK | X_OK) != 0 {
            return .fail("state", "state directory", "\(path) is not writable by \(me)", fix: "chmod 700 \(path)")
        }
        let detail = "\(path), owner \(owner), mode 0\(String(mode, radix: 8))" + space(path)
        if let free = freeBytes(path), free < lowSpace {
            return .warn("state", "state directory", detail + ": little room for the journal",
                         fix: "free space on the file system of \(path), or choose another with --state-dir")
        }
        return .pass("state", "state directory", detail)
    }

    private static func space(_ path: String) -> String {
        freeBytes(path).map { ", \(ByteCount.approximate(Int64(clamping: $0))) free" } ?? ""
    }

    static func freeBytes(_ path: String) -> UInt64? {
        var fs = statvfs()
        guard statvfs(path, &fs) == 0 else { return nil }
        return UInt64(fs.f_bavail) * UInt64(fs.f_frsize)
    }

    private static func nearestExisting(above path: String) -> String {
        var current = (path as NSString).deletingLastPathComponent
        while !current.isEmpty, current != "/", !FileManager.default.fileExists(atPath: current) {
            current = (current as NSString).deletingLastPathComponent
        }
        return current.isEmpty ? "." : current
    }

    static func userName(_ uid: uid_t) -> String {
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return "uid \(uid)" }
        return String(cString: name)
    }
}
