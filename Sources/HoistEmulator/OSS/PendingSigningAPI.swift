/// Stand-in for `HoistCore.OSSAccessKey` until the OSS signing work lands on main; it has the
/// agreed shape and is deleted in the merge that wires `OSSRequestVerifier` in.
public struct OSSAccessKey: Sendable {
    public var id: String
    public var secret: String
    public var securityToken: String?

    public init(id: String, secret: String, securityToken: String? = nil) {
        self.id = id
        self.secret = secret
        self.securityToken = securityToken
    }
}
