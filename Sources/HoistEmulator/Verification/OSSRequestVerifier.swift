import HoistCore
import Foundation

/// Server-side check of V1 and V4 header signatures, for the emulator (oss-signature.md §4).
///
/// It answers with the same error the real service gives, in the same order of checks: parse,
/// key lookup and STS token, clock skew, then the signature itself. The string to sign is rebuilt
/// from the *received* request, so any client that follows the protocol passes, whichever SDK
/// formatted the Authorization value.
public struct OSSRequestVerifier: Sendable {
    /// Finds a key by id; an emulator that issues STS credentials at run time looks them up live.
    public var lookup: @Sendable (String) -> OSSAccessKey?
    /// nil accepts any region in the V4 scope (an emulator serves every region).
    public var region: String?
    /// Allowed difference between request time and `now`, in seconds.
    public var maxSkew: Double

    public init(keys: [OSSAccessKey], region: String?, maxSkew: Double = 900) {
        let table = Dictionary(keys.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        self.init(region: region, maxSkew: maxSkew) { table[$0] }
    }

    public init(region: String?, maxSkew: Double = 900, lookup: @escaping @Sendable (String) -> OSSAccessKey?) {
        self.lookup = lookup
        self.region = region
        self.maxSkew = maxSkew
    }

    public func verify(_ request: OSSSignedRequest, now: Date) -> Result<OSSAccessKey, OSSAuthFailure> {
        guard let header = OSSHeaderList.value("Authorization", in: request.headers) else {
            return .failure(.accessDenied("You have no right to access this object because of bucket acl."))
        }
        switch OSSAuthorization.parse(header) {
        case .failure(let failure):
            return .failure(failure)
        case .success(.v1(let id, let signature)):
            return verifyV1(request, accessKeyId: id, provided: signature, now: now)
        case .success(.v4(let credential, let additional, let signature)):
            return verifyV4(request, credential: credential, additional: additional, provided: signature, now: now)
        }
    }

    private func verifyV1(_ request: OSSSignedRequest, accessKeyId: String, provided: String,
                          now: Date) -> Result<OSSAccessKey, OSSAuthFailure> {
        let key: OSSAccessKey
        switch lookUp(accessKeyId, in: request, now: now) {
        case .failure(let failure): return .failure(failure)
        case .success(let found): key = found
        }
        guard let dateText = OSSSignerV1.signedDate(request.headers), let date = OSSDate.parseRFC1123(dateText) else {
            return .failure(Self.invalidDate)
        }
        if let skew = checkSkew(date, now: now) { return .failure(skew) }
        let text = OSSSignerV1.stringToSign(method: request.method, bucket: request.bucket, key: request.key,
                                            query: request.query, headers: request.headers)
        let expected = OSSSignerV1.signature(stringToSign: text, secret: key.secret)
        guard Self.constantTimeEqual(expected, provided) else {
            return .failure(.signatureDoesNotMatch(stringToSign: text, canonicalRequest: nil, provided: provided, accessKeyId: accessKeyId))
        }
        return .success(key)
    }

    private func verifyV4(_ request: OSSSignedRequest, credential: OSSAuthorization.Credential, additional: [String],
                          provided: String, now: Date) -> Result<OSSAccessKey, OSSAuthFailure> {
        let key: OSSAccessKey
        switch lookUp(credential.accessKeyId, in: request, now: now) {
        case .failure(let failure): return .failure(failure)
        case .success(let found): key = found
        }
        guard let ossDate = OSSHeaderList.value("x-oss-date", in: request.headers),
              let date = OSSDate.parseISO8601Basic(ossDate) else {
            return .failure(Self.invalidDate)
        }
        if let skew = checkSkew(date, now: now) { return .failure(skew) }
        // Rebuild with the scope the server expects; a client that declared another day, region
        // or product then fails the comparison, which is the safe answer (§4.3).
        let day = String(ossDate.prefix(8))
        let expectedRegion = region ?? credential.region
        let scope = OSSSignerV4.scope(day: day, region: expectedRegion, product: "oss")
        let canonical = OSSSignerV4.canonicalRequest(method: request.method, bucket: request.bucket, key: request.key,
                                                     query: request.query, headers: request.headers, additional: additional)
        let text = OSSSignerV4.stringToSign(canonicalRequest: canonical, ossDate: ossDate, scope: scope)
        let signingKey = OSSSignerV4.signingKey(secret: key.secret, day: day, region: expectedRegion, product: "oss")
        let expected = OSSSignerV4.signature(stringToSign: text, signingKey: signingKey)
        let scopeMatches = credential.day == day && credential.region == expectedRegion
            && credential.product == "oss" && credential.terminator == OSSSignerV4.terminator
        guard Self.constantTimeEqual(expected, provided.lowercased()), scopeMatches else {
            return .failure(.signatureDoesNotMatch(stringToSign: text, canonicalRequest: canonical,
                                                   provided: provided, accessKeyId: credential.accessKeyId))
        }
        return .success(key)
    }

    /// Finds the key and, for an STS key, insists on its token and its expiry.
    private func lookUp(_ id: String, in request: OSSSignedRequest, now: Date) -> Result<OSSAccessKey, OSSAuthFailure> {
        guard let key = lookup(id) else { return .failure(.invalidAccessKeyId(id)) }
        if let token = key.securityToken {
            let sent = OSSHeaderList.value("x-oss-security-token", in: request.headers) ?? ""
            guard Self.constantTimeEqual(token, sent) else { return .failure(.invalidSecurityToken) }
            if let expiration = key.expiration, now >= expiration { return .failure(.securityTokenExpired) }
        }
        return .success(key)
    }

    private func checkSkew(_ requestTime: Date, now: Date) -> OSSAuthFailure? {
        guard abs(requestTime.timeIntervalSince(now)) > maxSkew else { return nil }
        return .requestTimeTooSkewed(requestTime: OSSDate.iso8601Millis(requestTime), serverTime: OSSDate.iso8601Millis(now))
    }

    static let invalidDate = OSSAuthFailure.accessDenied("OSS authentication requires a valid Date.")

    /// Compares every byte regardless of where the first difference is, so response timing does
    /// not reveal how much of a forged signature was right.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var difference: UInt8 = x.count == y.count ? 0 : 1
        for i in 0..<max(x.count, y.count) {
            let p = i < x.count ? x[i] : 0
            let q = i < y.count ? y[i] : 0
            difference |= p ^ q
        }
        return difference == 0
    }
}
