import Foundation
import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// An errno-carrying failure of a blocking file call.
struct BlobIOError: Error, CustomStringConvertible {
    var call: String
    var path: String
    var code: Int32
    var description: String { "\(call)(\(path)): \(String(cString: strerror(code)))" }
}

/// A file being written, whose blocking calls all run on the I/O thread pool so event loops and
/// the cooperative pool never wait on a disk.
final class BlobFile: Sendable {
    let path: String
    private let fd: Int32
    private let pool: NIOThreadPool
    private let closed = Locked(false)

    static func create(path: String, pool: NIOThreadPool) async throws -> BlobFile {
        let fd = try await pool.runIfActive {
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            if fd < 0 { throw BlobIOError(call: "open", path: path, code: errno) }
            return fd
        }
        return BlobFile(path: path, fd: fd, pool: pool)
    }

    private init(path: String, fd: Int32, pool: NIOThreadPool) {
        self.path = path
        self.fd = fd
        self.pool = pool
    }

    func write(_ buffer: ByteBuffer, at offset: Int64) async throws {
        let fd = fd, path = path
        try await pool.runIfActive {
            try buffer.withUnsafeReadableBytes { bytes in
                var done = 0
                while done < bytes.count {
                    let n = pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done))
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw BlobIOError(call: "pwrite", path: path, code: errno)
                    }
                    done += n
                }
            }
        }
    }

    func close() async throws {
        let fd = fd
        let wasClosed = closed.withLock { c -> Bool in defer { c = true }; return c }
        if wasClosed { return }
        try await pool.runIfActive { _ = Glibc.close(fd) }
    }

    func remove() async {
        let path = path
        _ = try? await pool.runIfActive { _ = unlink(path) }
    }
}
