#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only file read with `pread` at explicit offsets: the inspector only ever needs a
/// header and a footer, never the bulk of a many-GiB image.
final class ImageInspectorFile {
    let path: String
    let size: UInt64
    private let fd: Int32

    init(path: String) throws(ImageInspectorError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ImageInspectorError(.unreadable(errno: errno), path: path) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let code = errno
            close(fd)
            throw ImageInspectorError(.unreadable(errno: code), path: path)
        }
        self.path = path
        self.fd = fd
        self.size = UInt64(max(0, st.st_size))
    }

    deinit { close(fd) }

    /// Up to `count` bytes at `offset`; fewer only at the end of the file.
    func read(at offset: UInt64, count: Int) throws(ImageInspectorError) -> [UInt8] {
        guard offset < size, count > 0 else { return [] }
        let wanted = Int(min(UInt64(count), size - offset))
        var buffer = [UInt8](repeating: 0, count: wanted)
        var done = 0
        while done < wanted {
            let n = buffer.withUnsafeMutableBytes { raw in
                pread(fd, raw.baseAddress! + done, wanted - done, off_t(offset) + off_t(done))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw ImageInspectorError(.unreadable(errno: errno), path: path)
            }
            if n == 0 { break }
            done += n
        }
        return Array(buffer.prefix(done))
    }
}

/// Fixed-width integers at byte offsets; qcow2 and VHD are big-endian, VMDK little-endian.
extension Array where Element == UInt8 {
    func be(_ offset: Int, _ width: Int) -> UInt64 {
        var v: UInt64 = 0
        for i in 0..<width { v = v << 8 | UInt64(self[offset + i]) }
        return v
    }

    func le(_ offset: Int, _ width: Int) -> UInt64 {
        var v: UInt64 = 0
        for i in (0..<width).reversed() { v = v << 8 | UInt64(self[offset + i]) }
        return v
    }

    func hasBytes(_ ascii: String, at offset: Int) -> Bool {
        hasBytes(Array(ascii.utf8), at: offset)
    }

    func hasBytes(_ b: [UInt8], at offset: Int) -> Bool {
        count >= offset + b.count && self[offset..<(offset + b.count)].elementsEqual(b)
    }
}
