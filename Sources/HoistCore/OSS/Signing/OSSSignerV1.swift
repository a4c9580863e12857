import Crypto
import Foundation

/// Header signature V1 (`Authorization: OSS <id>:<base64 HMAC-SHA1>`), oss-signature.md §2.
///
/// Kept beside V4 because older endpoints and some tooling still use it, and the emulator must
/// check both. All functions are pure so the verifier rebuilds exactly what the client signed.
public enum OSSSignerV1 {
    /// Query names that are part of the signed resource: the union of the documented list and the
    /// names the SDKs add, so the emulator agrees with every client (§2.2). Names starting with
    /// `x-oss-` are also signed, as the Go SDK v2 does.
    public static let subResources: Set<String> = [
        "acl", "uploads", "location", "cors", "logging", "website", "referer", "lifecycle", "delete",
        "append", "tagging", "objectMeta", "uploadId", "partNumber", "security-token", "position", "img",
        "style", "styleName", "replication", "replicationProgress", "replicationLocation", "cname",
        "bucketInfo", "comp", "qos", "live", "status", "vod", "startTime", "endTime", "symlink",
        "x-oss-process", "response-content-type", "response-content-language", "response-expires",
        "response-cache-control", "response-content-disposition", "response-content-encoding",
        "restore", "callback", "callback-var", "stat", "versions", "versioning", "versionId",
        "sequential", "continuation-token", "resourceGroup",
    ]

    public static func isSubResource(_ name: String) -> Bool {
        subResources.contains(name) || name.hasPrefix("x-oss-")
    }

    /// `/bucket/key?sub=value&…` with the raw key and decoded values.
    public static func canonicalizedResource(bucket: String?, key: String?,
                                             query: [(name: String, value: String)]) -> String {
        var resource = "/"
        if let bucket, !bucket.isEmpty {
            resource += bucket + "/" + (key ?? "")
        }
        let signed = query.filter { isSubResource($0.name) }.sorted {
            $0.name == $1.name ? OSSHeaderList.byteOrder($0.value, $1.value) : OSSHeaderList.byteOrder($0.name, $1.name)
        }
        if !signed.isEmpty {
            resource += "?" + signed.map { $0.value.isEmpty ? $0.name : $0.name + "=" + $0.value }.joined(separator: "&")
        }
        return resource
    }

    /// `x-oss-*` headers as `name:value\n` lines, or the empty string.
    public static func canonicalizedHeaders(_ headers: [(name: String, value: String)]) -> String {
        OSSHeaderList.canonical(headers) { $0.hasPrefix("x-oss-") }
            .map { $0.name + ":" + $0.value + "\n" }
            .joined()
    }

    /// The date V1 signs: `x-oss-date` when present (as oss2 and the server do), else `Date`.
    public static func signedDate(_ headers: [(name: String, value: String)]) -> String? {
        OSSHeaderList.value("x-oss-date", in: headers) ?? OSSHeaderList.value("Date", in: headers)
    }

    public static func stringToSign(method: String, bucket: String?, key: String?,
                                    query: [(name: String, value: String)],
                                    headers: [(name: String, value: String)]) -> String {
        let md5 = OSSHeaderList.value("Content-MD5", in: headers) ?? ""
        let type = OSSHeaderList.value("Content-Type", in: headers) ?? ""
        let date = signedDate(headers) ?? ""
        return method.uppercased() + "\n" + md5 + "\n" + type + "\n" + date + "\n"
            + canonicalizedHeaders(headers)
            + canonicalizedResource(bucket: bucket, key: key, query: query)
    }

    /// Base64 of HMAC-SHA1 keyed with the secret's UTF-8 bytes.
    public static func signature(stringToSign: String, secret: String) -> String {
        let mac = HMAC<Insecure.SHA1>.authenticationCode(for: Data(stringToSign.utf8),
                                                         using: SymmetricKey(data: Data(secret.utf8)))
        return Data(mac).base64EncodedString()
    }

    public static func authorization(accessKeyId: String, signature: String) -> String {
        "OSS " + accessKeyId + ":" + signature
    }
}
