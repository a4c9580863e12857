/// Where ECS RPC requests go: the regional endpoint by default, or any `http(s)://host[:port]`
/// (the emulator, a VPC endpoint, a proxy).
public struct ECSEndpoint: Sendable, Equatable, CustomStringConvertible {
    public var scheme: String
    public var host: String
    public var port: Int?

    public init(scheme: String = "https", host: String, port: Int? = nil) {
        self.scheme = scheme
        self.host = host
        self.port = port
    }

    /// `https://ecs.<region>.aliyuncs.com`.
    public static func region(_ regionId: String) -> ECSEndpoint {
        ECSEndpoint(host: "ecs.\(regionId).aliyuncs.com")
    }

    /// Parses `http(s)://host[:port][/]`. A bare host means HTTPS. Nil for anything with a
    /// path, query or an unusable port, since the RPC style always posts to `/`.
    public init?(url: String) {
        var rest = Substring(url)
        var scheme = "https"
        if let range = rest.range(of: "://") {
            scheme = rest[..<range.lowerBound].lowercased()
            rest = rest[range.upperBound...]
        }
        guard scheme == "http" || scheme == "https" else { return nil }
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        guard !rest.isEmpty, !rest.contains("/"), !rest.contains("?"), !rest.contains("@") else { return nil }
        var host = rest
        var port: Int?
        if let colon = rest.lastIndex(of: ":"), !rest.hasSuffix("]") {
            guard let p = Int(rest[rest.index(after: colon)...]), (1...65535).contains(p) else { return nil }
            host = rest[..<colon]
            port = p
        }
        guard !host.isEmpty else { return nil }
        self.init(scheme: scheme, host: String(host), port: port)
    }

    /// `host[:port]`, the port left out when it is the scheme's default: the value of the Host
    /// header, which ACS3 signs.
    public var authority: String {
        guard let port, port != (scheme == "https" ? 443 : 80) else { return host }
        return "\(host):\(port)"
    }

    public var baseURL: String { "\(scheme)://\(authority)/" }

    public var description: String { baseURL }
}
