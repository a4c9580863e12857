/// Whole-object CRC from part CRCs without re-reading data.
///
/// Appending `lenB` bytes multiplies A's CRC by x^(8·lenB) modulo the polynomial, so the combine
/// is one modular multiplication by a power of x taken from a table of x^(2^k): O(64 · log lenB)
/// bit operations, about a microsecond. Because init equals xorout for this CRC, no correction
/// term is needed and it works on finished CRC values directly.
extension CRC64 {
    /// CRC of `A‖B` given `crc(A)`, `crc(B)` and the length of `B`.
    public static func combine(_ crcA: UInt64, _ crcB: UInt64, _ lengthB: UInt64) -> UInt64 {
        if lengthB == 0 { return crcA }
        return multiplyModP(xToThePowerOfTwoTimes(lengthB, startingAt: 3), crcA) ^ crcB
    }

    /// Folds `(crc, length)` pairs in order into the CRC of their concatenation.
    public static func combine<S: Sequence>(parts: S) -> UInt64 where S.Element == (crc: UInt64, length: UInt64) {
        parts.reduce(0) { combine($0, $1.crc, $1.length) }
    }

    /// x^0 in the reflected representation: the top bit.
    private static let one: UInt64 = 1 << 63

    /// `powersOfX[k]` = x^(2^k) mod P, reflected.
    private static let powersOfX: [UInt64] = {
        var table = [UInt64](repeating: 0, count: 64)
        var p: UInt64 = one >> 1  // x^1
        for k in 0..<64 {
            table[k] = p
            p = multiplyModP(p, p)
        }
        return table
    }()

    /// a·b mod P for reflected polynomials.
    static func multiplyModP(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var b = b, product: UInt64 = 0
        var mask = one
        while true {
            if a & mask != 0 {
                product ^= b
                if a & (mask - 1) == 0 { break }
            }
            mask >>= 1
            b = b & 1 != 0 ? (b >> 1) ^ reflectedPolynomial : b >> 1
            if mask == 0 { break }
        }
        return product
    }

    /// x^(n·2^k) mod P: with k = 3, the operator for appending n bytes.
    private static func xToThePowerOfTwoTimes(_ n: UInt64, startingAt k: Int) -> UInt64 {
        var n = n, k = k, p = one
        while n != 0 {
            if n & 1 != 0 { p = multiplyModP(powersOfX[k & 63], p) }
            n >>= 1
            k += 1
        }
        return p
    }
}
