/// The percent-encoding of the ECS RPC style, and the form decoding a server applies before it.
///
/// Both signature versions encode names and values the same way: RFC 3986 over UTF-8, with only
/// `A–Z a–z 0–9 - _ . ~` left alone. The rule differs from `application/x-www-form-urlencoded`
/// exactly where it matters for signing (space is `%20`, `*` is `%2A`), so it lives here once.
public enum ECSPercentEncoding {
    /// Encodes every byte except the RFC 3986 unreserved set, with upper-case hex.
    public static func encode(_ text: String) -> String {
        var out = [UInt8]()
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if isUnreserved(byte) {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes with form rules: `+` is a space, then `%XX` escapes. The current SDK sends spaces as
    /// `+` in the query, so a server that skipped this step would compute a different signature.
    /// A malformed escape is kept literally rather than rejected, as lenient servers do.
    /// Paths are decoded with `plusAsSpace: false`: `+` means a space only in form data.
    public static func formDecode<S: StringProtocol>(_ text: S, plusAsSpace: Bool = true) -> String {
        let bytes = Array(text.utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            if byte == UInt8(ascii: "+"), plusAsSpace {
                out.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), i + 2 < bytes.count,
                      let high = hexValue(bytes[i + 1]), let low = hexValue(bytes[i + 2]) {
                out.append(high << 4 | low)
                i += 2
            } else {
                out.append(byte)
            }
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Splits a raw query string or form body into decoded pairs, keeping order and duplicates.
    /// A bare `name` (no `=`) is a parameter with an empty value.
    public static func parseForm<S: StringProtocol>(_ text: S) -> [(name: String, value: String)] {
        var pairs: [(name: String, value: String)] = []
        for piece in text.split(separator: "&", omittingEmptySubsequences: true) {
            if let eq = piece.firstIndex(of: "=") {
                pairs.append((formDecode(piece[..<eq]), formDecode(piece[piece.index(after: eq)...])))
            } else {
                pairs.append((formDecode(piece), ""))
            }
        }
        return pairs
    }

    /// Joins pairs as `encode(name)=encode(value)` with `&`, in the given order.
    public static func query(_ pairs: [(name: String, value: String)]) -> String {
        pairs.map { encode($0.name) + "=" + encode($0.value) }.joined(separator: "&")
    }

    /// Byte-order comparison of UTF-8 strings; Swift's `<` on String orders by Unicode scalars
    /// after normalisation, which is not what the signature rules say.
    static func byteOrder(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    private static func isUnreserved(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return b - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
