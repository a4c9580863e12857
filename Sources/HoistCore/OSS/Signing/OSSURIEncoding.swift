/// RFC 3986 percent-encoding as both OSS signature versions and the wire need it.
///
/// Foundation's `addingPercentEncoding` uses character sets that keep `+`, `=`, `&` and friends in
/// some positions, which silently breaks V4 signatures for keys such as `a+b=c`. Writing the rule
/// out once, byte by byte, keeps the signer, the URL builder and the emulator in exact agreement.
public enum OSSURIEncoding {
    /// Percent-encodes every UTF-8 byte except `A–Z a–z 0–9 - _ . ~` with upper-case hex.
    /// `keepSlash` leaves `/` alone: V4's canonical URI and wire paths keep it, query parts do not.
    public static func encode(_ string: String, keepSlash: Bool = false) -> String {
        var out = [UInt8]()
        out.reserveCapacity(string.utf8.count)
        for byte in string.utf8 {
            if isUnreserved(byte) || (keepSlash && byte == UInt8(ascii: "/")) {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes `%XX` sequences only; `+` stays a plus (see oss-signature.md §4.4). Returns nil for
    /// a truncated or non-hex escape, or when the bytes are not valid UTF-8, so a server can reject
    /// the request instead of guessing.
    public static func decode(_ string: String) -> String? {
        guard string.utf8.contains(UInt8(ascii: "%")) else { return string }
        var out = [UInt8]()
        out.reserveCapacity(string.utf8.count)
        var iterator = string.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else { out.append(byte); continue }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                return nil
            }
            out.append(high << 4 | low)
        }
        return String(validating: out, as: UTF8.self)
    }

    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        default: return nil
        }
    }
}
