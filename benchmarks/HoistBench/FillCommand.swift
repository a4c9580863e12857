import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `hoist-bench fill PATH SIZE`: writes SIZE bytes of a fixed xorshift64* stream to PATH.
///
/// Benchmark inputs must be incompressible (no path may shortcut zeros or repeats) and the same
/// on every run (so a cached file can be reused and results compared): a seeded generator
/// gives both, at disk speed rather than /dev/urandom's.
enum FillCommand {
    static func run(path: String, size: Int64) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Socket.Failure("open \(path)") }
        defer { close(fd) }
        let words = 1 << 17  // 1 MiB per write
        let buffer = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: words)
        defer { buffer.deallocate() }
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var left = size
        while left > 0 {
            for i in 0..<words {
                state ^= state >> 12
                state ^= state << 25
                state ^= state >> 27
                buffer[i] = state &* 0x2545_F491_4F6C_DD1D
            }
            let count = Int(min(left, Int64(words * 8)))
            var done = 0
            while done < count {
                let n = write(fd, UnsafeRawPointer(buffer.baseAddress!) + done, count - done)
                guard n > 0 else { throw Socket.Failure("write \(path)") }
                done += n
            }
            left -= Int64(count)
        }
    }
}
