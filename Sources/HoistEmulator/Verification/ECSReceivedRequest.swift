import HoistCore

/// An ECS RPC request as a server received it, before any checks: what `ECSRequestVerifier`
/// needs and nothing tied to a particular HTTP server library.
public struct ECSReceivedRequest: Sendable {
    public var method: String
    public var path: String
    /// Decoded query parameters in wire order.
    public var query: [(name: String, value: String)]
    /// Decoded `application/x-www-form-urlencoded` body parameters (empty for other bodies).
    public var form: [(name: String, value: String)]
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(method: String, path: String, query: [(name: String, value: String)],
                form: [(name: String, value: String)] = [], headers: [(name: String, value: String)], body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.query = query
        self.form = form
        self.headers = headers
        self.body = body
    }

    /// Builds from the raw request target (`/?a=b`) and body, decoding both with form rules.
    /// The body counts as parameters only when it is declared form-encoded, as ECS does.
    public init(method: String, target: String, headers: [(name: String, value: String)], body: [UInt8] = []) {
        let path: Substring, rawQuery: Substring
        if let q = target.firstIndex(of: "?") {
            (path, rawQuery) = (target[..<q], target[target.index(after: q)...])
        } else {
            (path, rawQuery) = (target[...], "")
        }
        let contentType = headers.first { $0.name.lowercased() == "content-type" }?.value.lowercased() ?? ""
        let form = contentType.hasPrefix("application/x-www-form-urlencoded")
            ? ECSPercentEncoding.parseForm(String(decoding: body, as: UTF8.self)) : []
        self.init(method: method, path: ECSPercentEncoding.formDecode(path.isEmpty ? "/" : path, plusAsSpace: false),
                  query: ECSPercentEncoding.parseForm(rawQuery), form: form, headers: headers, body: body)
    }

    /// First header with this name, case-insensitively.
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name.lowercased() == lower }?.value
    }

    /// First value of a parameter from the query, then the form.
    public func parameter(_ name: String) -> String? {
        query.first { $0.name == name }?.value ?? form.first { $0.name == name }?.value
    }
}

/// What the verifier knows about one access key.
public struct ECSAccessKeyRecord: Sendable, Equatable {
    public var secret: String
    /// Set for an STS key: requests must carry exactly this token.
    public var securityToken: String?
    public var tokenExpiration: Double?
    public var isActive: Bool

    /// `tokenExpiration` is seconds since 1970 (UTC).
    public init(secret: String, securityToken: String? = nil, tokenExpiration: Double? = nil, isActive: Bool = true) {
        self.secret = secret
        self.securityToken = securityToken
        self.tokenExpiration = tokenExpiration
        self.isActive = isActive
    }
}

/// A request whose signature checked out, with everything the action handler needs.
public struct ECSVerifiedRequest: Sendable {
    public enum Scheme: String, Sendable { case rpcV1 = "HMAC-SHA1", acs3 = "ACS3-HMAC-SHA256" }
    public var scheme: Scheme
    public var accessKeyId: String
    public var action: String
    public var version: String
    /// Query and form parameters merged (the query wins on a repeated name), including the
    /// common ones such as `RegionId` and, for v1, `Format`.
    public var parameters: [String: String]
}
