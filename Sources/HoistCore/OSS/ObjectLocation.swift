/// Where an object lives in OSS: a bucket and a key, written `oss://BUCKET/KEY` on the command
/// line as the aliyun CLI and ossutil do, so operators can paste between the tools. Upload and
/// import share this one type so a location means the same thing, and is refused for the same
/// reasons, whichever command is given it.
public struct ObjectLocation: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var bucket: String
    /// May be empty only for a prefix (`oss://bucket/` names a bucket, not an object).
    public var key: String

    public init(bucket: String, key: String) {
        self.bucket = bucket
        self.key = key
    }

    /// Parses `oss://BUCKET[/KEY]`. The key is taken literally (no percent-decoding): OSS keys
    /// may contain `%`, and the shell already gave us the bytes the operator meant.
    public init(parsing text: String) throws(ObjectLocationError) {
        let scheme = "oss://"
        guard text.lowercased().hasPrefix(scheme) else { throw .notAnOSSURL(text) }
        let rest = text.dropFirst(scheme.count)
        let bucket: Substring
        let key: Substring
        if let slash = rest.firstIndex(of: "/") {
            bucket = rest[..<slash]
            key = rest[rest.index(after: slash)...]
        } else {
            bucket = rest
            key = ""
        }
        guard Self.isValidBucketName(bucket) else { throw .invalidBucket(String(bucket)) }
        guard key.utf8.count <= 1023 else { throw .keyTooLong(key.utf8.count) }
        guard !key.hasPrefix("/"), !key.hasPrefix("\\") else { throw .invalidKey(String(key)) }
        self.init(bucket: String(bucket), key: String(key))
    }

    /// Parses `oss://BUCKET/KEY` where a key is required: ImportImage takes one object, so a bare
    /// bucket is refused here as a usage error rather than by ECS as `InvalidOSSObject.NotFound`.
    public init(parsingObject text: String) throws(ObjectLocationError) {
        try self.init(parsing: text)
        guard !key.isEmpty else { throw .notAnObject(text) }
    }

    /// True when the location names a prefix (empty key or a trailing `/`) rather than an object.
    public var isPrefix: Bool { key.isEmpty || key.hasSuffix("/") }

    /// The object for a file named `fileName` under this location when it is a prefix.
    public func appending(fileName: String) -> ObjectLocation {
        ObjectLocation(bucket: bucket, key: key + fileName)
    }

    public var description: String { "oss://\(bucket)/\(key)" }

    /// OSS bucket rules: 3–63 characters of `a-z`, `0-9` and `-`, starting and ending with a
    /// letter or digit (oss-multipart.md §1). Checked locally so a typo fails before any request.
    public static func isValidBucketName(_ name: some StringProtocol) -> Bool {
        let bytes = Array(name.utf8)
        guard (3...63).contains(bytes.count) else { return false }
        func alnum(_ b: UInt8) -> Bool { (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) }
        guard alnum(bytes.first!), alnum(bytes.last!) else { return false }
        return bytes.allSatisfy { alnum($0) || $0 == 0x2D }
    }
}

/// Why an `oss://` location was refused.
public enum ObjectLocationError: Error, Equatable, Sendable, CustomStringConvertible {
    case notAnOSSURL(String)
    case invalidBucket(String)
    case invalidKey(String)
    case keyTooLong(Int)
    /// The location names a bucket where an object is needed.
    case notAnObject(String)

    public var description: String {
        switch self {
        case let .notAnOSSURL(text):
            "\(text) is not an OSS location; write oss://BUCKET/KEY"
        case let .invalidBucket(name):
            "\"\(name)\" is not a valid bucket name: use 3-63 lower-case letters, digits and '-', "
                + "starting and ending with a letter or digit"
        case let .invalidKey(key):
            "\"\(key)\" is not a valid object key: it must not start with '/' or '\\'"
        case let .keyTooLong(length):
            "the object key is \(length) bytes long; OSS allows at most 1023"
        case let .notAnObject(text):
            "\(text) names a bucket, not an object; write oss://BUCKET/KEY"
        }
    }
}
