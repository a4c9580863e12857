import HoistCore
import Foundation

/// The request as a verifying server sees it, after addressing has been resolved.
public struct OSSSignedRequest: Sendable {
    public var method: String
    /// nil for service-level requests.
    public var bucket: String?
    /// The percent-decoded object key; nil or empty for bucket-level requests.
    public var key: String?
    /// Decoded query pairs in any order; an empty value is `""`.
    public var query: [(name: String, value: String)]
    /// Headers as received, names in any case.
    public var headers: [(name: String, value: String)]

    public init(method: String, bucket: String?, key: String?,
                query: [(name: String, value: String)], headers: [(name: String, value: String)]) {
        self.method = method
        self.bucket = bucket
        self.key = key
        self.query = query
        self.headers = headers
    }
}

/// A key pair the verifier accepts. A key configured with a `securityToken` models STS
/// credentials: requests must carry exactly that token, and after `expiration` they are refused
/// as expired.
public struct OSSAccessKey: Sendable, Equatable {
    public var id: String
    public var secret: String
    public var securityToken: String?
    public var expiration: Date?

    public init(id: String, secret: String, securityToken: String? = nil, expiration: Date? = nil) {
        self.id = id
        self.secret = secret
        self.securityToken = securityToken
        self.expiration = expiration
    }
}

/// Why a request failed authentication, with the OSS error code, status and message the real
/// service uses (oss-multipart.md §8), so the emulator can answer exactly like OSS.
public enum OSSAuthFailure: Error, Sendable, Equatable {
    /// 400: the Authorization value is malformed.
    case invalidArgument(String)
    /// 403: no Authorization, or no usable date.
    case accessDenied(String)
    /// 403: the access key id is unknown; carries the id.
    case invalidAccessKeyId(String)
    /// 403: the signature differs. `canonicalRequest` is nil for V1.
    case signatureDoesNotMatch(stringToSign: String, canonicalRequest: String?, provided: String, accessKeyId: String)
    /// 403: the STS token is missing or differs from the one configured for the key.
    case invalidSecurityToken
    /// 403: the STS credentials expired (OSS error 0002-00000007).
    case securityTokenExpired
    /// 403: request time more than the allowed skew from server time (ISO 8601 strings).
    case requestTimeTooSkewed(requestTime: String, serverTime: String)

    public var code: String {
        switch self {
        case .invalidArgument: return "InvalidArgument"
        case .accessDenied: return "AccessDenied"
        case .invalidAccessKeyId: return "InvalidAccessKeyId"
        case .signatureDoesNotMatch: return "SignatureDoesNotMatch"
        case .invalidSecurityToken: return "InvalidSecurityToken"
        case .securityTokenExpired: return "SecurityTokenExpired"
        case .requestTimeTooSkewed: return "RequestTimeTooSkewed"
        }
    }

    public var httpStatus: Int {
        if case .invalidArgument = self { return 400 }
        return 403
    }

    public var message: String {
        switch self {
        case .invalidArgument(let message), .accessDenied(let message):
            return message
        case .invalidAccessKeyId:
            return "The OSS Access Key Id you provided does not exist in our records."
        case .signatureDoesNotMatch:
            return "The request signature we calculated does not match the signature you provided. Check your key and signing method."
        case .invalidSecurityToken:
            return "The security token you provided is invalid."
        case .securityTokenExpired:
            return "The security token you provided has expired."
        case .requestTimeTooSkewed:
            return "The difference between the request time and the current time is too large."
        }
    }
}
