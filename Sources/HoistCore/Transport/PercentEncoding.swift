/// RFC 3986 percent-encoding over UTF-8, the one rule OSS (both signature versions and the wire),
/// ECS (both RPC signature versions) and the emulator all need.
///
/// Foundation's `addingPercentEncoding` uses character sets that keep `+`, `=`, `&` and friends in
/// some positions, which silently breaks signatures for keys such as `a+b=c`. Writing the rule out
/// once, byte by byte, keeps the signers, the URL builder and the emulator's verifier in exact
/// agreement. What differs between the services stays with their callers: OSS paths keep `/`
/// (`keepSlash`), ECS form data reads `+` as a space (`plusAsSpace`), a client rejects a malformed
/// escape (`decode`) while a server takes it literally (`decodeLeniently`).
public enum PercentEncoding {
    /// Percent-encodes every UTF-8 byte except `A–Z a–z 0–9 - _ . ~` with upper-case hex
    /// (space is `%20`, `*` is `%2A`, `~` stays). `keepSlash` leaves `/` alone, for paths: the
    /// OSS V4 canonical URI, ACS3's canonical URI and wire paths keep it; query parts do not.
    public static func encode(_ text: some StringProtocol, keepSlash: Bool = false) -> String {
        var out = [UInt8]()
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
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

    /// Decodes `%XX` sequences only; `+` stays a plus (oss-signature.md §4.4). Returns nil for a
    /// truncated or non-hex escape, or when the bytes are not valid UTF-8, so a client never acts
    /// on a key it had to guess.
    public static func decode(_ text: some StringProtocol) -> String? {
        guard text.utf8.contains(UInt8(ascii: "%")) else { return String(text) }
        guard let bytes = decodedBytes(text, plusAsSpace: false, strict: true) else { return nil }
        return String(validating: bytes, as: UTF8.self)
    }

    /// Decodes `%XX` escapes as a lenient server does: a malformed escape is kept literally and
    /// invalid UTF-8 is repaired, so the request is still answered (with a signature or lookup
    /// failure) instead of being dropped. With `plusAsSpace`, `+` is a space first, as in
    /// `application/x-www-form-urlencoded` data; paths and OSS queries keep `+`.
    public static func decodeLeniently(_ text: some StringProtocol, plusAsSpace: Bool = false) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "%") || (plusAsSpace && $0 == UInt8(ascii: "+")) })
        else { return String(text) }
        return String(decoding: decodedBytes(text, plusAsSpace: plusAsSpace, strict: false)!, as: UTF8.self)
    }

    /// The one decoding loop. Non-strict never returns nil.
    private static func decodedBytes(_ text: some StringProtocol, plusAsSpace: Bool, strict: Bool) -> [UInt8]? {
        let bytes = Array(text.utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            if byte == UInt8(ascii: "+"), plusAsSpace {
                out.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%") {
                if i + 2 < bytes.count, let high = hexValue(bytes[i + 1]), let low = hexValue(bytes[i + 2]) {
                    out.append(high << 4 | low)
                    i += 2
                } else if strict {
                    return nil
                } else {
                    out.append(byte)
                }
            } else {
                out.append(byte)
            }
            i += 1
        }
        return out
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
