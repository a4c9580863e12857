import CCRC64

/// CRC-64 exactly as OSS computes `x-oss-hash-crc64ecma` (the catalogue's CRC-64/XZ: the ECMA-182
/// polynomial, reflected, all-ones init and xorout).
///
/// Values are the finished (post-xorout) CRC, so `0` is the CRC of no bytes and streaming is just
/// `update(update(0, a), b)`. On x86-64, runs of 64 bytes or more go to a carry-less-multiply kernel
/// in `CCRC64`, picked once at startup: VPCLMULQDQ on AVX-512 registers (256 bytes per step) where
/// the CPU has it, else PCLMULQDQ (64 bytes per step); both are several times faster than tables.
/// Elsewhere the kernel is slicing-by-16: sixteen independent table lookups per 16 input bytes keep
/// the dependency chain short enough for GB/s on one core, which matters because every byte
/// uploaded and every byte the emulator receives goes through it. `Kernel` names each one.
public enum CRC64 {
    /// Reflected form of 0x42F0E1EBA9EA3693.
    public static let reflectedPolynomial: UInt64 = 0xC96C_5795_D787_0F42

    static let slices = 16

    /// `tables[k][b]` is the CRC contribution of byte `b` followed by `k` zero bytes.
    static let tables: [[UInt64]] = {
        var t = [[UInt64]](repeating: [UInt64](repeating: 0, count: 256), count: slices)
        for i in 0..<256 {
            var c = UInt64(i)
            for _ in 0..<8 { c = (c & 1) != 0 ? (c >> 1) ^ reflectedPolynomial : c >> 1 }
            t[0][i] = c
        }
        for i in 0..<256 {
            for k in 1..<slices { t[k][i] = t[0][Int(t[k - 1][i] & 0xFF)] ^ (t[k - 1][i] >> 8) }
        }
        return t
    }()

    /// A flat copy of `tables` so the hot loop indexes one contiguous buffer.
    nonisolated(unsafe) static let flat: UnsafeMutablePointer<UInt64> = {
        let p = UnsafeMutablePointer<UInt64>.allocate(capacity: slices * 256)
        for k in 0..<slices { for i in 0..<256 { p[k * 256 + i] = tables[k][i] } }
        return p
    }()

    /// Continues `crc` over `bytes`.
    public static func update(_ crc: UInt64, _ bytes: UnsafeRawBufferPointer) -> UInt64 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return crc }
        return update(crc, base, bytes.count)
    }

    public static func update<C: Collection>(_ crc: UInt64, _ bytes: C) -> UInt64 where C.Element == UInt8 {
        if let r = bytes.withContiguousStorageIfAvailable({ update(crc, UnsafeRawBufferPointer($0)) }) {
            return r
        }
        return update(crc, Array(bytes))
    }

    public static func checksum<C: Collection>(_ bytes: C) -> UInt64 where C.Element == UInt8 {
        update(0, bytes)
    }

    /// Whether a carry-less-multiply kernel serves this CPU; `hoist_crc64_clmul` then picks the
    /// widest one itself.
    static let usesCarrylessMultiply = hoist_crc64_clmul_available() != 0

    public static func update(_ crc: UInt64, _ pointer: UnsafeRawPointer, _ count: Int) -> UInt64 {
        if count >= 64 && usesCarrylessMultiply {
            return hoist_crc64_clmul(crc, pointer, count)
        }
        return updateWithTables(crc, pointer, count)
    }

    /// One CRC-64 kernel. `update` always runs `fastest`; naming each one lets the tests check
    /// every kernel this CPU has against the tables, and the benchmark show what each gains.
    public enum Kernel: String, CaseIterable, Sendable {
        /// Slicing-by-16 in Swift: the reference, and the fallback on any CPU.
        case tables
        /// PCLMULQDQ on xmm registers, 64 bytes per step.
        case pclmul128
        /// VPCLMULQDQ on AVX-512 zmm registers, 256 bytes per step (shorter runs use `pclmul128`).
        case vpclmul512

        /// The kernels this CPU can run, slowest first.
        public static let available: [Kernel] = [.tables]
            + (hoist_crc64_clmul_available() != 0 ? [.pclmul128] : [])
            + (hoist_crc64_vpclmul_available() != 0 ? [.vpclmul512] : [])

        /// The kernel `CRC64.update` runs for 64 bytes or more.
        public static let fastest: Kernel = available.last!

        /// Continues `crc` over `count` bytes with this kernel alone; runs under 64 bytes use the
        /// tables, as `CRC64.update` does. Traps if this CPU cannot run the kernel (see `available`),
        /// since executing its instructions would.
        public func update(_ crc: UInt64, _ pointer: UnsafeRawPointer, _ count: Int) -> UInt64 {
            precondition(Self.available.contains(self), "CRC-64 kernel \(rawValue) needs instructions this CPU lacks")
            if count < 64 { return CRC64.updateWithTables(crc, pointer, count) }
            switch self {
            case .tables: return CRC64.updateWithTables(crc, pointer, count)
            case .pclmul128: return hoist_crc64_clmul128(crc, pointer, count)
            case .vpclmul512: return hoist_crc64_clmul512(crc, pointer, count)
            }
        }
    }

    /// The portable kernel; also the reference the fast one is tested against.
    static func updateWithTables(_ crc: UInt64, _ pointer: UnsafeRawPointer, _ count: Int) -> UInt64 {
        let t = flat
        var c = ~crc
        var p = pointer
        var n = count
        while n > 0 && Int(bitPattern: p) & 7 != 0 {
            c = t[Int((c ^ UInt64(p.load(as: UInt8.self))) & 0xFF)] ^ (c >> 8)
            p += 1; n -= 1
        }
        while n >= 16 {
            let lo = UInt64(littleEndian: p.load(as: UInt64.self)) ^ c
            let hi = UInt64(littleEndian: p.load(fromByteOffset: 8, as: UInt64.self))
            // Written as a balanced tree so the sixteen lookups XOR in four levels instead of
            // one sixteen-long dependency chain.
            let a = (t[15 * 256 + Int(lo & 0xFF)] ^ t[14 * 256 + Int((lo >> 8) & 0xFF)])
                ^ (t[13 * 256 + Int((lo >> 16) & 0xFF)] ^ t[12 * 256 + Int((lo >> 24) & 0xFF)])
            let b = (t[11 * 256 + Int((lo >> 32) & 0xFF)] ^ t[10 * 256 + Int((lo >> 40) & 0xFF)])
                ^ (t[9 * 256 + Int((lo >> 48) & 0xFF)] ^ t[8 * 256 + Int(lo >> 56)])
            let d = (t[7 * 256 + Int(hi & 0xFF)] ^ t[6 * 256 + Int((hi >> 8) & 0xFF)])
                ^ (t[5 * 256 + Int((hi >> 16) & 0xFF)] ^ t[4 * 256 + Int((hi >> 24) & 0xFF)])
            let e = (t[3 * 256 + Int((hi >> 32) & 0xFF)] ^ t[2 * 256 + Int((hi >> 40) & 0xFF)])
                ^ (t[1 * 256 + Int((hi >> 48) & 0xFF)] ^ t[Int(hi >> 56)])
            c = (a ^ b) ^ (d ^ e)
            p += 16; n -= 16
        }
        while n > 0 {
            c = t[Int((c ^ UInt64(p.load(as: UInt8.self))) & 0xFF)] ^ (c >> 8)
            p += 1; n -= 1
        }
        return ~c
    }
}
