/// A snapshot of one open multipart upload, for tests and the admin endpoint.
public struct UploadSummary: Codable, Sendable, Equatable {
    public struct Part: Codable, Sendable, Equatable {
        public var partNumber: Int
        public var size: Int64
        public var crc64: String
        public var etag: String
    }

    public var uploadId: String
    public var bucket: String
    public var key: String
    public var parts: [Part]
}

/// Out-of-band actions on uploads that real OSS performs on its own schedule: expiring an
/// upload (lifecycle rules) and losing parts. Shared by `EmulatorServer` and the admin endpoint.
struct UploadControl: Sendable {
    let store: OSSStore
    let blobs: BlobStore

    func list() -> [UploadSummary] {
        store.allUploads().map { u in
            UploadSummary(uploadId: u.id, bucket: u.bucket, key: u.key, parts: u.parts.keys.sorted().compactMap { n in
                u.parts[n].map { .init(partNumber: n, size: $0.size, crc64: String($0.crc), etag: $0.etag) }
            })
        }
    }

    /// Makes the upload vanish as if expired: every later call with its id gets `NoSuchUpload`.
    func expire(_ uploadId: String) async -> Bool {
        guard store.removeUpload(uploadId) != nil else { return false }
        await blobs.removeDirectory(blobs.uploadDirectory(uploadId))
        return true
    }

    /// Deletes stored parts (all when `parts` is nil); returns the part numbers removed, or nil
    /// when the upload does not exist.
    func deleteParts(_ uploadId: String, parts: [Int]?) async -> [Int]? {
        guard let removed = store.dropParts(uploadId: uploadId, numbers: parts) else { return nil }
        for part in removed { await blobs.removeFile(part.path) }
        return removed.map(\.number).sorted()
    }
}
