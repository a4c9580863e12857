import Foundation

/// The metadata of every bucket, object and open upload. All checks that must be atomic with a
/// change (does the upload still exist, may this object be overwritten) run inside one critical
/// section; the bytes themselves are moved by `BlobStore` outside it.
final class OSSStore: Sendable {
    private struct State {
        var buckets: [String: BucketRecord] = [:]
        var uploads: [String: UploadRecord] = [:]
    }

    private let state = Locked(State())
    private let uploadSequence = Locked<UInt64>(UInt64(Date().timeIntervalSince1970 * 1000) << 16)

    // MARK: Buckets

    /// Creates the bucket if needed; returns false when it already existed.
    @discardableResult
    func createBucket(_ name: String, now: Date) -> Bool {
        state.withLock { s in
            if s.buckets[name] != nil { return false }
            s.buckets[name] = BucketRecord(name: name, created: now)
            return true
        }
    }

    func deleteBucket(_ name: String) throws(OSSErrorReply) {
        try state.withLock { s throws(OSSErrorReply) in
            guard let bucket = s.buckets[name] else { throw .noSuchBucket(name) }
            if !bucket.objects.isEmpty || s.uploads.values.contains(where: { $0.bucket == name }) { throw .bucketNotEmpty }
            s.buckets[name] = nil
        }
    }

    func bucket(_ name: String) -> BucketRecord? { state.withLock { $0.buckets[name] } }

    func hasBucket(_ name: String) -> Bool { state.withLock { $0.buckets[name] != nil } }

    func bucketNames() -> [(name: String, created: Date)] {
        state.withLock { $0.buckets.values.map { ($0.name, $0.created) } }.sorted { $0.name < $1.name }
    }

    // MARK: Objects

    func object(bucket: String, key: String) throws(OSSErrorReply) -> StoredObject {
        guard let object = state.withLock({ $0.buckets[bucket]?.objects[key] }) else { throw .noSuchKey(key) }
        return object
    }

    func objectExists(bucket: String, key: String) -> Bool {
        state.withLock { $0.buckets[bucket]?.objects[key] != nil }
    }

    /// Stores an object; returns the one it replaced so its files can be removed.
    func putObject(_ object: StoredObject, bucket: String, forbidOverwrite: Bool) throws(OSSErrorReply) -> StoredObject? {
        try state.withLock { s throws(OSSErrorReply) in
            guard s.buckets[bucket] != nil else { throw .noSuchBucket(bucket) }
            let old = s.buckets[bucket]?.objects[object.key]
            if forbidOverwrite && old != nil { throw .fileAlreadyExists }
            s.buckets[bucket]?.objects[object.key] = object
            return old
        }
    }

    func deleteObject(bucket: String, key: String) -> StoredObject? {
        state.withLock { $0.buckets[bucket]?.objects.removeValue(forKey: key) }
    }

    func objects(bucket: String) -> [StoredObject] {
        state.withLock { s in s.buckets[bucket].map { Array($0.objects.values) } ?? [] }.sorted { $0.key < $1.key }
    }

    // MARK: Uploads

    func initiate(bucket: String, key: String, contentType: String?, metadata: [(name: String, value: String)], now: Date) -> UploadRecord {
        let n = uploadSequence.withLock { v -> UInt64 in v += 1; return v }
        let id = String(format: "%016llX%016llX", n, UInt64.random(in: 0...UInt64.max))
        let record = UploadRecord(id: id, bucket: bucket, key: key, initiated: now, contentType: contentType, metadata: metadata)
        state.withLock { $0.uploads[id] = record }
        return record
    }

    /// The open upload, which must belong to this bucket and key.
    func upload(_ id: String, bucket: String, key: String) throws(OSSErrorReply) -> UploadRecord {
        guard let u = state.withLock({ $0.uploads[id] }), u.bucket == bucket, u.key == key else { throw .noSuchUpload(id) }
        return u
    }

    /// Records a part; returns the part it replaced. Fails if the upload vanished meanwhile.
    func storePart(_ part: StoredPart, uploadId: String) throws(OSSErrorReply) -> StoredPart? {
        try state.withLock { s throws(OSSErrorReply) in
            guard s.uploads[uploadId] != nil else { throw .noSuchUpload(uploadId) }
            let old = s.uploads[uploadId]?.parts[part.number]
            s.uploads[uploadId]?.parts[part.number] = part
            return old
        }
    }

    /// Runs `validate` on the upload and removes it in the same critical section, so two
    /// Completes (or a Complete racing an Abort) cannot both win.
    func claimUpload<T>(_ id: String, bucket: String, key: String,
                        validate: (UploadRecord) throws(OSSErrorReply) -> T) throws(OSSErrorReply) -> (UploadRecord, T) {
        try state.withLock { s throws(OSSErrorReply) in
            guard let u = s.uploads[id], u.bucket == bucket, u.key == key else { throw .noSuchUpload(id) }
            let result = try validate(u)
            s.uploads[id] = nil
            return (u, result)
        }
    }

    func removeUpload(_ id: String) -> UploadRecord? { state.withLock { $0.uploads.removeValue(forKey: id) } }

    func uploads(bucket: String) -> [UploadRecord] {
        state.withLock { s in s.uploads.values.filter { $0.bucket == bucket } }
            .sorted { ($0.key, $0.id) < ($1.key, $1.id) }
    }

    func allUploads() -> [UploadRecord] {
        state.withLock { Array($0.uploads.values) }.sorted { ($0.key, $0.id) < ($1.key, $1.id) }
    }

    /// Forgets parts of an upload (all when `numbers` is nil); returns them for file removal.
    func dropParts(uploadId: String, numbers: [Int]?) -> [StoredPart]? {
        state.withLock { s in
            guard var u = s.uploads[uploadId] else { return nil }
            let victims = numbers.map { $0.compactMap { u.parts[$0] } } ?? Array(u.parts.values)
            for v in victims { u.parts[v.number] = nil }
            s.uploads[uploadId] = u
            return victims
        }
    }
}
