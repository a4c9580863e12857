import Foundation
import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// Where object and part bytes live.
///
/// Disk layout under the data directory:
/// - `uploads/<uploadId>/<partNumber>.<n>`: one file per received part attempt (a re-sent part
///   gets a fresh file, so a concurrent duplicate never overwrites bytes being completed);
/// - `objects/<n>/`: the files of one stored object (renamed part files, or `data` for PutObject).
///
/// In discard mode (`root == nil`) no bytes are kept at all; only sizes and checksums survive.
final class BlobStore: Sendable {
    let root: String?
    let pool: NIOThreadPool
    /// In discard mode, whether MD5 is still computed for every body. Off by default: MD5 costs
    /// more CPU than CRC-64 and throughput benchmarks only need CRCs. `Content-MD5` is still
    /// verified when a client sends it.
    let discardComputesMD5: Bool
    private let sequence = Locked<UInt64>(0)

    init(root: String?, pool: NIOThreadPool, discardComputesMD5: Bool) throws {
        self.root = root
        self.pool = pool
        self.discardComputesMD5 = discardComputesMD5
        if let root {
            for sub in ["uploads", "objects"] {
                try FileManager.default.createDirectory(atPath: root + "/" + sub, withIntermediateDirectories: true)
            }
        }
    }

    var discards: Bool { root == nil }

    private func nextNumber() -> UInt64 { sequence.withLock { n -> UInt64 in n += 1; return n } }

    /// A sink for one body. `wantMD5` is forced on in disk mode so ETags are real MD5s.
    func makeSink(uploadId: String?, partNumber: Int?, wantMD5: Bool) async throws -> IngestSink {
        guard let root else {
            return IngestSink(file: nil, computeMD5: wantMD5 || discardComputesMD5)
        }
        let n = nextNumber()
        let path: String
        if let uploadId, let partNumber {
            let dir = root + "/uploads/" + uploadId
            try await makeDirectory(dir)
            path = "\(dir)/\(partNumber).\(n)"
        } else {
            try await makeDirectory(root + "/uploads/_put")
            path = "\(root)/uploads/_put/\(n)"
        }
        return IngestSink(file: try await BlobFile.create(path: path, pool: pool), computeMD5: true)
    }

    /// Moves files into a fresh object directory; returns the directory and the new paths.
    func adopt(_ paths: [String]) async throws -> (directory: String, paths: [String])? {
        guard let root else { return nil }
        let dir = "\(root)/objects/\(nextNumber())"
        let moved: [String] = try await pool.runIfActive {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            return try paths.enumerated().map { index, path in
                let target = "\(dir)/\(index + 1)"
                if rename(path, target) != 0 { throw BlobIOError(call: "rename", path: path, code: errno) }
                return target
            }
        }
        return (dir, moved)
    }

    func removeFile(_ path: String?) async {
        guard let path else { return }
        _ = try? await pool.runIfActive { _ = unlink(path) }
    }

    func removeDirectory(_ path: String?) async {
        guard let path else { return }
        _ = try? await pool.runIfActive { try? FileManager.default.removeItem(atPath: path) }
    }

    func uploadDirectory(_ uploadId: String) -> String? { root.map { "\($0)/uploads/\(uploadId)" } }

    private func makeDirectory(_ path: String) async throws {
        try await pool.runIfActive { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
    }

    /// Streams `length` bytes starting at `offset` of the concatenated segments, 1 MiB at a time.
    func producer(segments: [Segment], offset: Int64, length: Int64) -> EmulatorResponse.BodyProducer {
        let pool = pool
        return { emit in
            var skip = offset
            var remaining = length
            for segment in segments where remaining > 0 {
                if skip >= segment.length { skip -= segment.length; continue }
                let fd = try await pool.runIfActive {
                    let fd = open(segment.path, O_RDONLY | O_CLOEXEC)
                    if fd < 0 { throw BlobIOError(call: "open", path: segment.path, code: errno) }
                    return fd
                }
                defer { _ = Glibc.close(fd) }
                var position = skip
                skip = 0
                while position < segment.length && remaining > 0 {
                    let want = Int(min(Int64(1 << 20), segment.length - position, remaining))
                    let at = position
                    let chunk = try await pool.runIfActive { try Self.read(fd: fd, count: want, at: at, path: segment.path) }
                    position += Int64(chunk.readableBytes)
                    remaining -= Int64(chunk.readableBytes)
                    try await emit(chunk)
                }
            }
        }
    }

    private static func read(fd: Int32, count: Int, at offset: Int64, path: String) throws -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: count)
        let got = try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { bytes -> Int in
            var done = 0
            while done < count {
                let n = pread(fd, bytes.baseAddress! + done, count - done, off_t(offset) + off_t(done))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw BlobIOError(call: "pread", path: path, code: errno)
                }
                if n == 0 { break }
                done += n
            }
            return done
        }
        if got < count { throw BlobIOError(call: "pread", path: path, code: EIO) }
        return buffer
    }
}
