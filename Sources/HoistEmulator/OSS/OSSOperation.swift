import NIOHTTP1

/// The OSS API operation a request asks for, told apart by method, key presence and
/// sub-resources. Raw values are the official API names, used by counters and fault rules.
enum OSSOperation: String, Sendable, CaseIterable {
    case listBuckets = "ListBuckets"
    case putBucket = "PutBucket"
    case deleteBucket = "DeleteBucket"
    case getBucketInfo = "GetBucketInfo"
    case listObjects = "ListObjects"
    case listMultipartUploads = "ListMultipartUploads"
    case initiateMultipartUpload = "InitiateMultipartUpload"
    case uploadPart = "UploadPart"
    case completeMultipartUpload = "CompleteMultipartUpload"
    case listParts = "ListParts"
    case abortMultipartUpload = "AbortMultipartUpload"
    case putObject = "PutObject"
    case getObject = "GetObject"
    case headObject = "HeadObject"
    case deleteObject = "DeleteObject"
    case unsupported = "Unsupported"

    init(request: EmulatorRequest, address: OSSAddress) {
        let m = request.method
        guard let _ = address.bucket else {
            self = m == .GET ? .listBuckets : .unsupported
            return
        }
        guard let key = address.key, !key.isEmpty else {
            switch m {
            case .PUT: self = .putBucket
            case .DELETE: self = .deleteBucket
            case .GET where request.hasQuery("bucketInfo"): self = .getBucketInfo
            case .GET where request.hasQuery("uploads"): self = .listMultipartUploads
            case .GET: self = .listObjects
            default: self = .unsupported
            }
            return
        }
        let uploadId = request.hasQuery("uploadId")
        switch m {
        case .POST where request.hasQuery("uploads"): self = .initiateMultipartUpload
        case .POST where uploadId: self = .completeMultipartUpload
        case .PUT where uploadId || request.hasQuery("partNumber"): self = .uploadPart
        case .GET where uploadId: self = .listParts
        case .DELETE where uploadId: self = .abortMultipartUpload
        case .PUT: self = .putObject
        case .GET: self = .getObject
        case .HEAD: self = .headObject
        case .DELETE: self = .deleteObject
        default: self = .unsupported
        }
    }
}

/// Where a request points: bucket and key, from virtual-hosted or path-style addressing.
///
/// The rule (oss-multipart.md §0): a Host of `<bucket>.<something>` that is not an IP literal,
/// not `localhost` and not a bare OSS endpoint (`oss-<region>[-internal].aliyuncs.com`) is
/// virtual-hosted, and the whole decoded path is the key. Otherwise the first path segment is
/// the bucket and the rest the key.
struct OSSAddress: Sendable, Equatable {
    var bucket: String?
    var key: String?
    var virtualHosted: Bool

    init(bucket: String?, key: String?, virtualHosted: Bool) {
        self.bucket = bucket
        self.key = key
        self.virtualHosted = virtualHosted
    }

    init(request: EmulatorRequest) {
        let path = request.path.hasPrefix("/") ? String(request.path.dropFirst()) : request.path
        if let host = request.hostName, let bucket = Self.virtualHostBucket(host) {
            self.init(bucket: bucket, key: path.isEmpty ? nil : path, virtualHosted: true)
            return
        }
        if path.isEmpty {
            self.init(bucket: nil, key: nil, virtualHosted: false)
            return
        }
        let pieces = path.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let key = pieces.count > 1 ? String(pieces[1]) : nil
        self.init(bucket: String(pieces[0]), key: key?.isEmpty == true ? nil : key, virtualHosted: false)
    }

    static func virtualHostBucket(_ host: String) -> String? {
        let lower = host.lowercased()
        guard let dot = lower.firstIndex(of: "."), !lower.hasPrefix("[") else { return nil }
        if lower.allSatisfy({ $0.isNumber || $0 == "." }) { return nil }
        let first = String(lower[..<dot])
        if first.isEmpty || first == "localhost" { return nil }
        if first.hasPrefix("oss-"), lower.hasSuffix(".aliyuncs.com"), lower.split(separator: ".").count == 3 { return nil }
        return first
    }
}

extension OSSOperation {
    /// Operations that put bytes into a key (at once, or at Complete).
    var writesObject: Bool {
        self == .uploadPart || self == .completeMultipartUpload || self == .putObject
    }
}
