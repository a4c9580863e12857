import Foundation

/// Single-object and bucket calls (oss-multipart.md §9–§11), used for small files, verification,
/// tests and `hoist doctor`.
extension OSSClient {
    public func putObject(bucket: String, key: String, body: RequestBody,
                          headers: [(name: String, value: String)] = [],
                          onProgress: (@Sendable (Int64) -> Void)? = nil) async throws -> OSSPutResult {
        let response = try await perform(Call(method: "PUT", bucket: bucket, key: key, headers: headers, body: body),
                                         onProgress: onProgress)
        return OSSPutResult(etag: Self.etag(response), serverCRC64: Self.crc64(response),
                            sentCRC64: response.sentBodyCRC64, requestId: response.header("x-oss-request-id"))
    }

    /// Size, CRC-64, ETag and type of an object. A missing object throws `OSSError` `NoSuchKey`.
    public func headObject(bucket: String, key: String) async throws -> OSSObjectInfo {
        let response = try await perform(Call(method: "HEAD", bucket: bucket, key: key))
        guard let size = response.header("Content-Length").flatMap({ Int64($0.trimmingCharacters(in: .whitespaces)) }) else {
            throw OSSXMLError(message: "HeadObject response without Content-Length")
        }
        var metadata: [String: String] = [:]
        for header in response.headers where header.name.lowercased().hasPrefix("x-oss-meta-") {
            metadata[String(header.name.lowercased().dropFirst("x-oss-meta-".count))] = header.value
        }
        return OSSObjectInfo(size: size, crc64: Self.crc64(response), etag: Self.etag(response),
                             objectType: response.header("x-oss-object-type"),
                             lastModified: response.header("Last-Modified").flatMap(OSSDate.parseRFC1123),
                             contentType: response.header("Content-Type"),
                             storageClass: response.header("x-oss-storage-class"),
                             metadata: metadata)
    }

    /// The object or one range of it. Note OSS's quirk: an invalid range yields 200 and the whole
    /// object, so check `status` (206) before treating the body as the slice.
    public func getObject(bucket: String, key: String, range: OSSByteRange? = nil) async throws -> OSSObjectData {
        var headers: [(name: String, value: String)] = []
        if let range { headers.append(("Range", range.headerValue)) }
        let response = try await perform(Call(method: "GET", bucket: bucket, key: key, headers: headers))
        return OSSObjectData(status: response.status, body: response.body, crc64: Self.crc64(response),
                             contentRange: response.header("Content-Range"), etag: Self.etag(response))
    }

    public func deleteObject(bucket: String, key: String) async throws {
        _ = try await perform(Call(method: "DELETE", bucket: bucket, key: key))
    }

    public func createBucket(bucket: String, storageClass: String = "Standard") async throws {
        let body = OSSXMLCodecs.createBucketBody(storageClass: storageClass)
        _ = try await perform(Call(method: "PUT", bucket: bucket, key: nil,
                                   headers: [("Content-Type", "application/xml")], body: .bytes(body)))
    }

    public func deleteBucket(bucket: String) async throws {
        _ = try await perform(Call(method: "DELETE", bucket: bucket, key: nil))
    }

    public func getBucketInfo(bucket: String) async throws -> OSSBucketInfo {
        let response = try await perform(Call(method: "GET", bucket: bucket, key: nil, query: [("bucketInfo", "")]))
        return try OSSXMLCodecs.bucketInfo(response.body)
    }
}
