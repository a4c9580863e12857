import Crypto
import Foundation

/// Header signature V4 (`OSS4-HMAC-SHA256`), oss-signature.md §3. The default for Hoist because
/// the current official SDKs use it and its signing key is scoped to a day and a region.
public enum OSSSignerV4 {
    public static let algorithm = "OSS4-HMAC-SHA256"
    public static let terminator = "aliyun_v4_request"
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"

    /// `/bucket/key` URI-encoded with `/` kept; `/bucket/` for bucket requests, `/` for service ones.
    public static func canonicalURI(bucket: String?, key: String?) -> String {
        guard let bucket, !bucket.isEmpty else { return "/" }
        return PercentEncoding.encode("/" + bucket + "/" + (key ?? ""), keepSlash: true)
    }

    /// Every query parameter, encoded (with `/` encoded), sorted by encoded name, bare name when the
    /// value is empty.
    public static func canonicalQuery(_ query: [(name: String, value: String)]) -> String {
        query.map { (name: PercentEncoding.encode($0.name), value: PercentEncoding.encode($0.value)) }
            .sorted { $0.name == $1.name ? OSSHeaderList.byteOrder($0.value, $1.value) : OSSHeaderList.byteOrder($0.name, $1.name) }
            .map { $0.value.isEmpty ? $0.name : $0.name + "=" + $0.value }
            .joined(separator: "&")
    }

    /// Headers that are always signed: `x-oss-*`, `content-type`, `content-md5`.
    public static func isSignedByDefault(_ lowerName: String) -> Bool {
        lowerName.hasPrefix("x-oss-") || lowerName == "content-type" || lowerName == "content-md5"
    }

    /// The AdditionalHeaders list an SDK would send for `requested`: lower-cased, without names
    /// signed by default or absent from the request, de-duplicated and fully sorted (§3.3, §5).
    public static func additionalHeaders(_ requested: [String], present headers: [(name: String, value: String)]) -> [String] {
        let present = Set(headers.map { $0.name.lowercased() })
        let names = Set(requested.map { $0.lowercased() }).filter { !isSignedByDefault($0) && present.contains($0) && !$0.isEmpty }
        return names.sorted(by: OSSHeaderList.byteOrder)
    }

    public static func canonicalHeaders(_ headers: [(name: String, value: String)], additional: [String]) -> String {
        let extra = Set(additional)
        return OSSHeaderList.canonical(headers) { isSignedByDefault($0) || extra.contains($0) }
            .map { $0.name + ":" + $0.value + "\n" }
            .joined()
    }

    /// `additional` must already be the normalised list (see `additionalHeaders(_:present:)`).
    public static func canonicalRequest(method: String, bucket: String?, key: String?,
                                        query: [(name: String, value: String)],
                                        headers: [(name: String, value: String)],
                                        additional: [String] = []) -> String {
        let payload = OSSHeaderList.value("x-oss-content-sha256", in: headers) ?? unsignedPayload
        return method.uppercased() + "\n"
            + canonicalURI(bucket: bucket, key: key) + "\n"
            + canonicalQuery(query) + "\n"
            + canonicalHeaders(headers, additional: additional) + "\n"
            + additional.joined(separator: ";") + "\n"
            + payload
    }

    /// `<YYYYMMDD>/<region>/<product>/aliyun_v4_request`.
    public static func scope(day: String, region: String, product: String = "oss") -> String {
        day + "/" + region + "/" + product + "/" + terminator
    }

    public static func stringToSign(canonicalRequest: String, ossDate: String, scope: String) -> String {
        let hash = SHA256.hash(data: Data(canonicalRequest.utf8))
        return algorithm + "\n" + ossDate + "\n" + scope + "\n" + hex(hash)
    }

    /// kSigning = HMAC chain over day, region, product and the terminator, seeded with
    /// `"aliyun_v4" + secret`.
    public static func signingKey(secret: String, day: String, region: String, product: String = "oss") -> SymmetricKey {
        var key = SymmetricKey(data: Data(("aliyun_v4" + secret).utf8))
        for part in [day, region, product, terminator] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        return key
    }

    public static func signature(stringToSign: String, signingKey: SymmetricKey) -> String {
        hex(HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: signingKey))
    }

    /// The no-space form alibabacloud-oss-v2 and the Go SDK send; the verifier accepts all forms.
    public static func authorization(accessKeyId: String, scope: String, additional: [String], signature: String) -> String {
        var value = algorithm + " Credential=" + accessKeyId + "/" + scope
        if !additional.isEmpty { value += ",AdditionalHeaders=" + additional.joined(separator: ";") }
        return value + ",Signature=" + signature
    }

    static func hex<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
