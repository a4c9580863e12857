import Crypto
import Foundation

/// RPC signature version 1 (HMAC-SHA1), the scheme every ECS API page documents.
///
/// Kept as pure functions over decoded `(name, value)` pairs so the client that signs and the
/// emulator that verifies share one canonicalisation and cannot drift apart.
public enum RPCSignatureV1 {
    public static let signatureMethod = "HMAC-SHA1"
    public static let signatureVersion = "1.0"

    /// Sorts by name in byte order, encodes each name and value, and joins them. `Signature`
    /// itself is never signed. Ties keep their relative order (a stable sort), so repeated names
    /// canonicalise the same way on both sides.
    public static func canonicalizedQuery(_ params: [(name: String, value: String)]) -> String {
        let kept = params.filter { $0.name != "Signature" }
        let sorted = kept.enumerated().sorted { a, b in
            if a.element.name == b.element.name { return a.offset < b.offset }
            return ECSPercentEncoding.byteOrder(a.element.name, b.element.name)
        }.map(\.element)
        return ECSPercentEncoding.query(sorted)
    }

    /// `METHOD&%2F&encode(canonicalizedQuery)`: the query is therefore encoded twice.
    public static func stringToSign(method: String, canonicalizedQuery: String) -> String {
        method.uppercased() + "&" + PercentEncoding.encode("/") + "&" + PercentEncoding.encode(canonicalizedQuery)
    }

    /// Base64 of HMAC-SHA1 keyed with `secret + "&"`.
    public static func signature(stringToSign: String, secret: String) -> String {
        let key = SymmetricKey(data: Array((secret + "&").utf8))
        let mac = HMAC<Insecure.SHA1>.authenticationCode(for: Array(stringToSign.utf8), using: key)
        return Data(mac).base64EncodedString()
    }

    /// The whole computation for one request, with the intermediate string kept for diagnostics.
    public static func sign(method: String, params: [(name: String, value: String)], secret: String)
        -> (stringToSign: String, signature: String)
    {
        let sts = stringToSign(method: method, canonicalizedQuery: canonicalizedQuery(params))
        return (sts, signature(stringToSign: sts, secret: secret))
    }
}
