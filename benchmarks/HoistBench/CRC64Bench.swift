import Foundation
import HoistCore

/// `hoist-bench crc64 [MiB]`: the CRC-64 kernel in GB/s on one core and the cost of one
/// `combine`. One line per figure, so scripts can grep them.
enum CRC64Bench {
    static func run(mebibytes: Int) {
        let count = mebibytes << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 64)
        defer { buffer.deallocate() }
        var state: UInt32 = 0x1234_5678
        for i in 0..<count {
            state = state &* 1_664_525 &+ 1_013_904_223
            buffer[i] = UInt8(state >> 24)
        }
        _ = CRC64.update(0, UnsafeRawBufferPointer(buffer))  // warm tables and caches
        var best = Double.infinity
        var crc: UInt64 = 0
        for _ in 0..<5 {
            let start = now()
            crc = CRC64.update(0, UnsafeRawBufferPointer(buffer))
            best = min(best, now() - start)
        }
        let gbps = Double(count) / best / 1e9
        let kernel = CRC64.usesCarrylessMultiply ? "pclmul" : "tables"
        print(String(format: "crc64 kernel (%@): %d MiB in %.3f s = %.2f GB/s on one core (crc %llu)",
                     kernel, mebibytes, best, gbps, crc))

        let combineStart = now()
        var combined: UInt64 = 0
        for i in 0..<10_000 { combined = CRC64.combine(combined, UInt64(i), 64 << 20) }
        let perCombine = (now() - combineStart) / 10_000 * 1e6
        print(String(format: "crc64 combine: %.1f us per 64 MiB part (%llu)", perCombine, combined))
    }
}
