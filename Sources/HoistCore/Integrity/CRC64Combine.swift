/// Whole-object CRC from part CRCs without re-reading data: the zlib `crc32_combine` technique
/// widened to 64 bits. Because init equals xorout for this CRC, no correction term is needed and
/// it works on finished CRC values directly. Cost is O(64² log lenB) bit operations.
extension CRC64 {
    /// CRC of `A‖B` given `crc(A)`, `crc(B)` and the length of `B`.
    public static func combine(_ crcA: UInt64, _ crcB: UInt64, _ lengthB: UInt64) -> UInt64 {
        if lengthB == 0 { return crcA }
        var odd = [UInt64](repeating: 0, count: 64)
        odd[0] = reflectedPolynomial
        var row: UInt64 = 1
        for n in 1..<64 { odd[n] = row; row <<= 1 }
        var even = square(odd)      // 2 zero bits
        odd = square(even)          // 4 zero bits
        var crc = crcA
        var len = lengthB
        while true {
            even = square(odd)
            if len & 1 != 0 { crc = times(even, crc) }
            len >>= 1
            if len == 0 { break }
            odd = square(even)
            if len & 1 != 0 { crc = times(odd, crc) }
            len >>= 1
            if len == 0 { break }
        }
        return crc ^ crcB
    }

    /// Folds `(crc, length)` pairs in order into the CRC of their concatenation.
    public static func combine<S: Sequence>(parts: S) -> UInt64 where S.Element == (crc: UInt64, length: UInt64) {
        parts.reduce(0) { combine($0, $1.crc, $1.length) }
    }

    private static func times(_ mat: [UInt64], _ vec: UInt64) -> UInt64 {
        var sum: UInt64 = 0
        var v = vec
        var i = 0
        while v != 0 {
            if v & 1 != 0 { sum ^= mat[i] }
            v >>= 1; i += 1
        }
        return sum
    }

    private static func square(_ mat: [UInt64]) -> [UInt64] {
        (0..<64).map { times(mat, mat[$0]) }
    }
}
