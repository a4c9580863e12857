import Foundation

/// Multipart values the OSS client returns. ETags are stored *without* their surrounding quotes;
/// the Complete encoder adds them back. CRC-64 values are the unsigned decimal
/// `x-oss-hash-crc64ecma`.

public struct OSSInitiatedUpload: Sendable, Equatable {
    public var bucket: String
    public var key: String
    public var uploadId: String
}

/// One part as ListParts reports it.
public struct OSSPartInfo: Sendable, Equatable {
    public var partNumber: Int
    public var etag: String
    public var size: Int64
    /// nil when the server omitted `HashCrc64ecma` (old service versions).
    public var crc64: UInt64?
    public var lastModified: Date?

    public init(partNumber: Int, etag: String, size: Int64, crc64: UInt64?, lastModified: Date?) {
        self.partNumber = partNumber
        self.etag = etag
        self.size = size
        self.crc64 = crc64
        self.lastModified = lastModified
    }
}

/// One page of ListParts.
public struct OSSPartListing: Sendable, Equatable {
    public var bucket: String
    public var key: String
    public var uploadId: String
    public var partNumberMarker: Int
    /// Only meaningful when `isTruncated` (oss-multipart.md §5).
    public var nextPartNumberMarker: Int?
    public var maxParts: Int?
    public var isTruncated: Bool
    public var parts: [OSSPartInfo]
}

/// One open multipart upload as ListMultipartUploads reports it.
public struct OSSUploadInfo: Sendable, Equatable {
    public var key: String
    public var uploadId: String
    public var initiated: Date?
}

/// One page of ListMultipartUploads, with URL-encoded names already decoded.
public struct OSSUploadListing: Sendable, Equatable {
    public var bucket: String
    public var prefix: String
    public var keyMarker: String
    public var uploadIdMarker: String
    public var nextKeyMarker: String
    public var nextUploadIdMarker: String
    public var isTruncated: Bool
    public var uploads: [OSSUploadInfo]
    public var commonPrefixes: [String]
}

/// The result of CompleteMultipartUpload: body fields plus the object's CRC-64 from the header,
/// which the caller must compare with the combined part CRCs before trusting the object.
public struct OSSCompletedUpload: Sendable, Equatable {
    public var location: String
    public var bucket: String
    public var key: String
    public var etag: String
    public var crc64: UInt64?
    public var versionId: String?
}
