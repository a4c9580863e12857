import Foundation

/// Per-request values the OSS client returns for parts, objects and buckets. ETags are unquoted.

/// A part acknowledged by UploadPart. `serverCRC64` and `sentCRC64` must agree before the part is
/// journaled (DESIGN.md §3).
public struct OSSUploadedPart: Sendable, Equatable {
    public var partNumber: Int
    public var etag: String
    public var size: Int64
    public var serverCRC64: UInt64?
    public var sentCRC64: UInt64
    public var requestId: String?

    /// True only when the server reported a CRC and it equals what the transport streamed.
    public var crcMatches: Bool { serverCRC64 == sentCRC64 }
}

/// The result of PutObject.
public struct OSSPutResult: Sendable, Equatable {
    public var etag: String
    public var serverCRC64: UInt64?
    public var sentCRC64: UInt64
    public var requestId: String?
}

/// What HeadObject tells about an object.
public struct OSSObjectInfo: Sendable, Equatable {
    public var size: Int64
    public var crc64: UInt64?
    public var etag: String
    /// `Normal`, `Multipart`, `Appendable` or `Symlink`.
    public var objectType: String?
    public var lastModified: Date?
    public var contentType: String?
    public var storageClass: String?
    /// `x-oss-meta-*` headers with the prefix removed, names lower-cased.
    public var metadata: [String: String]
}

/// A GetObject answer; `crc64` is always the CRC of the *whole* object, even for a range.
public struct OSSObjectData: Sendable, Equatable {
    /// 200 for the whole object, 206 for a satisfied range.
    public var status: Int
    public var body: [UInt8]
    public var crc64: UInt64?
    public var contentRange: String?
    public var etag: String
}

/// A single byte range for GetObject, in the three forms OSS supports (oss-multipart.md §11).
public enum OSSByteRange: Sendable, Equatable {
    /// `bytes=first-last`, inclusive.
    case closed(first: Int64, last: Int64)
    /// `bytes=first-`, to the end.
    case from(Int64)
    /// `bytes=-count`, the last `count` bytes.
    case suffix(Int64)

    public var headerValue: String {
        switch self {
        case .closed(let first, let last): return "bytes=\(first)-\(last)"
        case .from(let first): return "bytes=\(first)-"
        case .suffix(let count): return "bytes=-\(count)"
        }
    }
}

/// GetBucketInfo fields Hoist uses (`doctor` checks the region and storage class).
public struct OSSBucketInfo: Sendable, Equatable {
    public var name: String
    /// e.g. `oss-cn-hangzhou`.
    public var location: String?
    public var creationDate: Date?
    public var storageClass: String?
    public var extranetEndpoint: String?
    public var intranetEndpoint: String?
}

/// Unquoted ETag: OSS sends `"ABC…"` in headers and XML.
func unquotedETag(_ value: String) -> String {
    var v = Substring(value.trimmingCharacters(in: .whitespaces))
    if v.hasPrefix("\""), v.hasSuffix("\""), v.count >= 2 { v = v.dropFirst().dropLast() }
    return String(v)
}
