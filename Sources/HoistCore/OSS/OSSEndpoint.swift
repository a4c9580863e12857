/// Where OSS requests go and how a bucket is addressed.
///
/// Alibaba's own endpoints use virtual-hosted addressing (`bucket.oss-<region>.aliyuncs.com/key`),
/// which is what the service expects. Anything else (the emulator, a proxy, a test server on a
/// port) gets path style (`host:port/bucket/key`), because such hosts cannot resolve per-bucket
/// names. Either way the signer sees the same bucket and key.
public struct OSSEndpoint: Sendable, Equatable, CustomStringConvertible {
    public enum Addressing: String, Sendable {
        case virtualHosted
        case pathStyle
    }

    public var scheme: String
    /// Host without bucket prefix or port.
    public var host: String
    public var port: Int?
    public var addressing: Addressing
    /// Bare region id when it can be known from the host (`cn-hangzhou`), for V4 signing.
    public var region: String?

    public init(scheme: String, host: String, port: Int? = nil, addressing: Addressing, region: String? = nil) {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.addressing = addressing
        self.region = region
    }

    /// `https://oss-<region>.aliyuncs.com`, or the VPC-internal `oss-<region>-internal` host.
    public static func region(_ region: String, internal isInternal: Bool = false) -> OSSEndpoint {
        OSSEndpoint(scheme: "https", host: "oss-\(region)\(isInternal ? "-internal" : "").aliyuncs.com",
                    addressing: .virtualHosted, region: region)
    }

    /// The global transfer-acceleration host, `https://oss-accelerate.aliyuncs.com`. It serves
    /// every region, so the bucket's `region` is kept for V4 signing.
    public static func accelerate(region: String) -> OSSEndpoint {
        OSSEndpoint(scheme: "https", host: acceleratedHost, addressing: .virtualHosted, region: region)
    }

    static let acceleratedHost = "oss-accelerate.aliyuncs.com"

    /// The endpoint for `region` chosen by name, as the official SDKs derive it
    /// (alibabacloud-oss-go-sdk-v2 `endpointFromRegion`): `internal` → `oss-REGION-internal`,
    /// `accelerate` → `oss-accelerate`, else the public `oss-REGION`.
    public static func named(region: String, internal isInternal: Bool, accelerate: Bool) -> OSSEndpoint {
        if isInternal { return .region(region, internal: true) }
        if accelerate { return .accelerate(region: region) }
        return .region(region)
    }

    /// Parses `http(s)://host[:port]` or a bare host. Alibaba hosts (`*.aliyuncs.com`) get
    /// virtual-hosted addressing and their region; every other host gets path style.
    public init?(_ text: String) {
        var rest = Substring(text)
        var scheme = "https"
        if let range = rest.range(of: "://") {
            scheme = rest[..<range.lowerBound].lowercased()
            rest = rest[range.upperBound...]
        }
        guard scheme == "http" || scheme == "https" else { return nil }
        while rest.hasSuffix("/") { rest.removeLast() }
        guard !rest.isEmpty, !rest.contains("/"), !rest.contains("?"), !rest.contains("@") else { return nil }
        var host = String(rest)
        var port: Int?
        if let colon = rest.lastIndex(of: ":"), !rest.hasSuffix("]") {
            guard let value = Int(rest[rest.index(after: colon)...]), (1...65535).contains(value) else { return nil }
            port = value
            host = String(rest[..<colon])
        }
        guard !host.isEmpty else { return nil }
        host = host.lowercased()
        if host.hasSuffix(".aliyuncs.com") {
            self.init(scheme: scheme, host: host, port: port, addressing: .virtualHosted, region: Self.region(fromHost: host))
        } else {
            self.init(scheme: scheme, host: host, port: port, addressing: .pathStyle, region: nil)
        }
    }

    /// `oss-cn-hangzhou[-internal].aliyuncs.com` → `cn-hangzhou`.
    static func region(fromHost host: String) -> String? {
        guard host.hasPrefix("oss-"), host.hasSuffix(".aliyuncs.com") else { return nil }
        var name = host.dropFirst(4).dropLast(".aliyuncs.com".count)
        if name.hasSuffix("-internal") { name = name.dropLast("-internal".count) }
        // The acceleration hosts serve every region; they name none.
        if name == "accelerate" || name == "accelerate-overseas" { return nil }
        return name.isEmpty || name.contains(".") ? nil : String(name)
    }

    public var description: String {
        "\(scheme)://\(host)\(port.map { ":\($0)" } ?? "") (\(addressing.rawValue))"
    }

    /// The wire URL for a request. Keys are RFC 3986-encoded with `/` kept; query names and values
    /// are encoded fully, and an empty value is sent as `name=` like the official SDKs do.
    public func url(bucket: String?, key: String?, query: [(name: String, value: String)] = []) -> String {
        var authority = host
        var path = "/"
        if let bucket, !bucket.isEmpty {
            let encodedKey = Self.wirePath(key ?? "")
            switch addressing {
            case .virtualHosted:
                authority = bucket + "." + host
                path = "/" + encodedKey
            case .pathStyle:
                path = "/" + bucket + "/" + encodedKey
            }
        }
        if let port { authority += ":\(port)" }
        var url = scheme + "://" + authority + path
        if !query.isEmpty {
            url += "?" + query.map { PercentEncoding.encode($0.name) + "=" + PercentEncoding.encode($0.value) }.joined(separator: "&")
        }
        return url
    }

    /// Encodes a key for the path, also escaping `.` and `..` segments, which HTTP stacks
    /// (libcurl included) would otherwise collapse and so address a different key.
    static func wirePath(_ key: String) -> String {
        key.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            switch segment {
            case ".": return "%2E"
            case "..": return "%2E%2E"
            default: return PercentEncoding.encode(String(segment))
            }
        }.joined(separator: "/")
    }
}
