import Foundation
import HoistCore

/// `hoist-bench crc64 [MiB]`: the CRC-64 kernel in GB/s on one core and the cost of one
/// `combine`. One line per figure, so scripts can grep them.
///
/// The kernel `CRC64.update` runs comes first, then the 128-bit carry-less kernel when a wider
/// one ran, so a run shows the ratio. Each is timed over the whole buffer (which a fast kernel
/// may find bounded by memory bandwidth) and over one 256 KiB block that stays in cache, as the
/// upload's read buffers do when their CRC is taken.
enum CRC64Bench {
    static let cachedBlock = 256 << 10

    static func run(mebibytes requested: Int) {
        let mebibytes = max(1, requested)
        let count = mebibytes << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 64)
        defer { buffer.deallocate() }
        var state: UInt32 = 0x1234_5678
        for i in 0..<count {
            state = state &* 1_664_525 &+ 1_013_904_223
            buffer[i] = UInt8(state >> 24)
        }
        let bytes = UnsafeRawPointer(buffer.baseAddress!)
        var kernels = [CRC64.Kernel.fastest]
        if CRC64.Kernel.fastest == .vpclmul512 { kernels.append(.pclmul128) }
        for kernel in kernels {
            let (whole, crc) = best { kernel.update(0, bytes, count) }
            print(String(format: "crc64 kernel (%@): %d MiB in %.3f s = %.2f GB/s on one core (crc %llu)",
                         kernel.rawValue, mebibytes, whole, Double(count) / whole / 1e9, crc))
            let block = min(cachedBlock, count), blocks = max(1, min(count, 1 << 30) / block)
            let (cached, _) = best {
                var c: UInt64 = 0
                for _ in 0..<blocks { c = kernel.update(c, bytes, block) }
                return c
            }
            print(String(format: "crc64 kernel in cache (%@): %d KiB x %d = %.2f GB/s on one core",
                         kernel.rawValue, block >> 10, blocks, Double(blocks * block) / cached / 1e9))
        }

        let combineStart = now()
        var combined: UInt64 = 0
        for i in 0..<10_000 { combined = CRC64.combine(combined, UInt64(i), 64 << 20) }
        let perCombine = (now() - combineStart) / 10_000 * 1e6
        print(String(format: "crc64 combine: %.1f us per 64 MiB part (%llu)", perCombine, combined))
    }

    /// The best of five timed runs after one warm-up (tables and caches), and the last result.
    static func best(_ body: () -> UInt64) -> (seconds: Double, result: UInt64) {
        var result = body()
        var fastest = Double.infinity
        for _ in 0..<5 {
            let start = now()
            result = body()
            fastest = min(fastest, now() - start)
        }
        return (fastest, result)
    }
}
