import Foundation

/// The one place the client turns an unsigned OSS request into a signed one.
///
/// It owns the headers that belong to signing (`Date`, `x-oss-date`, `x-oss-content-sha256`,
/// `x-oss-security-token`, `Authorization`) and replaces any earlier copies, so a retry can
/// re-sign the same header list with a fresh time (and a corrected clock) without duplicates.
public struct OSSRequestSigner: Sendable {
    public enum Version: String, Sendable, CaseIterable {
        case v1
        case v4
    }

    public var version: Version
    /// Bare region id for the V4 scope, e.g. `cn-hangzhou` (not `oss-cn-hangzhou`).
    public var region: String
    /// `oss`, or `oss-cloudbox` for CloudBox.
    public var product: String

    public init(version: Version = .v4, region: String, product: String = "oss") {
        self.version = version
        self.region = region
        self.product = product
    }

    private static let owned: Set<String> = ["authorization", "date", "x-oss-date", "x-oss-content-sha256", "x-oss-security-token"]

    /// Returns `headers` plus the signing headers and `Authorization`.
    /// - Parameters:
    ///   - key: the raw (decoded) object key; nil or empty for bucket and service requests.
    ///   - query: decoded pairs, as they will be sent.
    ///   - additionalHeaders: V4 only; extra header names to sign (e.g. `host` is never needed).
    public func sign(method: String, bucket: String?, key: String?,
                     query: [(name: String, value: String)],
                     headers: [(name: String, value: String)],
                     credentials: Credentials, date: Date,
                     additionalHeaders: [String] = []) -> [(name: String, value: String)] {
        var signed = headers.filter { !Self.owned.contains($0.name.lowercased()) }
        signed.append(("Date", OSSDate.rfc1123(date)))
        if let token = credentials.securityToken, !token.isEmpty {
            signed.append(("x-oss-security-token", token))
        }
        switch version {
        case .v1:
            let text = OSSSignerV1.stringToSign(method: method, bucket: bucket, key: key, query: query, headers: signed)
            let signature = OSSSignerV1.signature(stringToSign: text, secret: credentials.accessKeySecret)
            signed.append(("Authorization", OSSSignerV1.authorization(accessKeyId: credentials.accessKeyId, signature: signature)))
        case .v4:
            let ossDate = OSSDate.iso8601Basic(date)
            let day = String(ossDate.prefix(8))
            signed.append(("x-oss-date", ossDate))
            signed.append(("x-oss-content-sha256", OSSSignerV4.unsignedPayload))
            let additional = OSSSignerV4.additionalHeaders(additionalHeaders, present: signed)
            let canonical = OSSSignerV4.canonicalRequest(method: method, bucket: bucket, key: key, query: query,
                                                         headers: signed, additional: additional)
            let scope = OSSSignerV4.scope(day: day, region: region, product: product)
            let text = OSSSignerV4.stringToSign(canonicalRequest: canonical, ossDate: ossDate, scope: scope)
            let key = OSSSignerV4.signingKey(secret: credentials.accessKeySecret, day: day, region: region, product: product)
            let signature = OSSSignerV4.signature(stringToSign: text, signingKey: key)
            signed.append(("Authorization", OSSSignerV4.authorization(accessKeyId: credentials.accessKeyId, scope: scope,
                                                                      additional: additional, signature: signature)))
        }
        return signed
    }
}
