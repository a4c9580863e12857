import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A small tmpfs mounted over a test's state directory, to fill the journal's disk on purpose.
/// Needs root (or CAP_SYS_ADMIN); `available` probes once so tests can skip with a reason.
final class StateDirectoryMount {
    let path: String
    private var mounted = false

    /// Whether tmpfs mounts work here: root, and a mount that succeeds.
    static let available: Bool = {
        guard geteuid() == 0 else { return false }
        let probe = NSTemporaryDirectory() + "hoist-mount-probe-\(getpid())"
        try? FileManager.default.createDirectory(atPath: probe, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: probe) }
        guard mount("tmpfs", probe, "tmpfs", 0, "size=64k") == 0 else { return false }
        umount2(probe, Int32(MNT_DETACH))
        return true
    }()

    init(over path: String, bytes: Int) throws {
        self.path = path
        guard mount("tmpfs", path, "tmpfs", 0, "size=\(bytes)") == 0 else {
            throw MountError(message: "mount -t tmpfs on \(path): \(String(cString: strerror(errno)))")
        }
        mounted = true
    }

    /// Writes a filler file until the device is full; returns its path. Deleting it frees the
    /// space again.
    func fill() throws -> String {
        let filler = path + "/filler"
        let fd = open(filler, O_CREAT | O_WRONLY | O_TRUNC, 0o644)
        guard fd >= 0 else { throw MountError(message: "open \(filler): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let chunk = [UInt8](repeating: 0xAB, count: 4096)
        for size in [4096, 512, 1] {
            while chunk.withUnsafeBytes({ write(fd, $0.baseAddress, size) }) == size {}
        }
        guard errno == ENOSPC else { throw MountError(message: "filling \(path): \(String(cString: strerror(errno)))") }
        return filler
    }

    /// Unmounts (lazily, so an open file cannot keep it); safe to call twice.
    func unmount() {
        guard mounted else { return }
        umount2(path, Int32(MNT_DETACH))
        mounted = false
    }

    deinit { unmount() }

    struct MountError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
