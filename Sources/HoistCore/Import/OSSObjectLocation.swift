/// An object named as `oss://BUCKET/KEY`, the way operators (and the aliyun CLI's `ossutil`)
/// write it.
public struct OSSObjectLocation: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var bucket: String
    public var key: String

    public init(bucket: String, key: String) {
        self.bucket = bucket
        self.key = key
    }

    /// Nil unless the text is `oss://` followed by a bucket name, a slash and a non-empty key.
    /// Bucket names are 3–63 lower-case letters, digits and hyphens, as OSS requires; checking
    /// here turns a typo into a usage error instead of an ECS `InvalidOSSBucket.NotFound`.
    public init?(url: String) {
        guard url.hasPrefix("oss://") else { return nil }
        let rest = url.dropFirst("oss://".count)
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        let bucket = String(rest[..<slash])
        let key = String(rest[rest.index(after: slash)...])
        guard Self.isBucketName(bucket), !key.isEmpty, !key.hasPrefix("/") else { return nil }
        self.init(bucket: bucket, key: key)
    }

    static func isBucketName(_ name: String) -> Bool {
        (3...63).contains(name.utf8.count)
            && name.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }
            && !name.hasPrefix("-") && !name.hasSuffix("-")
    }

    public var description: String { "oss://\(bucket)/\(key)" }
}
