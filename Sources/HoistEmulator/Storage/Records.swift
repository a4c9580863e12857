import Foundation

/// A run of bytes in one file on disk. Objects are lists of segments so Complete can keep the
/// part files as they are (a rename, no copy) and GET streams them back in order.
struct Segment: Sendable {
    var path: String
    var length: Int64
}

/// One uploaded part: its size, checksums and where its bytes are (nil in discard mode).
struct StoredPart: Sendable {
    var number: Int
    var size: Int64
    var crc: UInt64
    /// Upper-case hex, unquoted.
    var etag: String
    var md5Base64: String?
    var path: String?
    var lastModified: Date
}

/// One stored object.
struct StoredObject: Sendable {
    var key: String
    var size: Int64
    var crc: UInt64
    /// Unquoted ETag.
    var etag: String
    /// Only for `Normal` objects, as on OSS.
    var md5Base64: String?
    /// `Normal` or `Multipart`.
    var objectType: String
    var contentType: String
    /// `x-oss-meta-*` and the other stored headers, as received at Put/Initiate.
    var metadata: [(name: String, value: String)]
    var lastModified: Date
    /// The bytes, in order; empty in discard mode.
    var segments: [Segment]
    /// The directory that owns the segment files, removed when the object goes away.
    var directory: String?
}

/// An open multipart upload.
struct UploadRecord: Sendable {
    var id: String
    var bucket: String
    var key: String
    var initiated: Date
    var contentType: String?
    var metadata: [(name: String, value: String)]
    var parts: [Int: StoredPart] = [:]
}

struct BucketRecord: Sendable {
    var name: String
    var created: Date
    var objects: [String: StoredObject] = [:]
}
