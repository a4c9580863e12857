import Foundation
import HoistCore

/// A disk image for the demo: a raw disk of the given size with a boot-sector signature and a
/// deterministic pattern, written in 1 MiB blocks so making it costs no memory.
enum DemoImage {
    static func write(to path: String, size: Int64) throws -> UInt64 {
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path) else {
            throw GeneralFailure("cannot create \(path)")
        }
        defer { try? handle.close() }
        var block = [UInt8](repeating: 0, count: 1 << 20)
        var state: UInt32 = 0x1234_5678
        var crc: UInt64 = 0
        var written: Int64 = 0
        while written < size {
            let count = Int(min(Int64(block.count), size - written))
            for i in 0..<count {
                state = state &* 1_664_525 &+ 1_013_904_223
                block[i] = UInt8(truncatingIfNeeded: state >> 24)
            }
            if written == 0 && count >= 512 { block[510] = 0x55; block[511] = 0xAA }  // MBR signature
            crc = CRC64.update(crc, block[0..<count])
            try handle.write(contentsOf: block[0..<count])
            written += Int64(count)
        }
        return crc
    }
}
