import Foundation

/// An Alibaba Cloud access key, optionally an STS triple with its expiry. The secret and the
/// token never appear in descriptions, logs or errors.
public struct Credentials: Sendable, Equatable, CustomStringConvertible {
    public var accessKeyId: String
    public var accessKeySecret: String
    public var securityToken: String?
    /// When temporary credentials stop working; nil for a long-lived access key.
    public var expiration: Date?

    public init(accessKeyId: String, accessKeySecret: String, securityToken: String? = nil, expiration: Date? = nil) {
        self.accessKeyId = accessKeyId
        self.accessKeySecret = accessKeySecret
        self.securityToken = securityToken
        self.expiration = expiration
    }

    /// STS credentials (they carry a token), which a service may refuse once they expire.
    public var isTemporary: Bool { securityToken != nil }

    public var description: String {
        var text = "Credentials(accessKeyId: \(accessKeyId), secret: <redacted>"
        if securityToken != nil { text += ", token: <redacted>" }
        if let expiration { text += ", expires: \(ECSTimestamp.format(expiration))" }
        return text + ")"
    }
}
