/// An Alibaba Cloud access key, optionally an STS triple. The secret never appears in
/// descriptions, logs or errors.
public struct Credentials: Sendable, Equatable, CustomStringConvertible {
    public var accessKeyId: String
    public var accessKeySecret: String
    public var securityToken: String?

    public init(accessKeyId: String, accessKeySecret: String, securityToken: String? = nil) {
        self.accessKeyId = accessKeyId
        self.accessKeySecret = accessKeySecret
        self.securityToken = securityToken
    }

    public var description: String {
        "Credentials(accessKeyId: \(accessKeyId), secret: <redacted>\(securityToken == nil ? "" : ", token: <redacted>"))"
    }
}
