import Crypto
import Foundation

/// Multipart upload calls (oss-multipart.md §2–§7).
extension OSSClient {
    /// Starts an upload. `headers` may carry `Content-Type`, `x-oss-meta-*`, `x-oss-storage-class`, …
    public func initiateMultipartUpload(bucket: String, key: String,
                                        headers: [(name: String, value: String)] = []) async throws -> OSSInitiatedUpload {
        let response = try await perform(Call(method: "POST", bucket: bucket, key: key, query: [("uploads", "")], headers: headers))
        return try OSSXMLCodecs.initiateResult(response.body)
    }

    /// Sends one part straight from the file. The result carries the server's CRC-64 and the CRC
    /// of the bytes the transport actually sent; the caller journals the part only if they agree.
    public func uploadPart(bucket: String, key: String, uploadId: String, partNumber: Int, fileRegion: FileRegion,
                           contentMD5: String? = nil,
                           onProgress: (@Sendable (Int64) -> Void)? = nil) async throws -> OSSUploadedPart {
        var headers: [(name: String, value: String)] = []
        if let contentMD5 { headers.append(("Content-MD5", contentMD5)) }
        let call = Call(method: "PUT", bucket: bucket, key: key,
                        query: [("partNumber", String(partNumber)), ("uploadId", uploadId)],
                        headers: headers, body: .file(fileRegion))
        let response = try await perform(call, onProgress: onProgress)
        return OSSUploadedPart(partNumber: partNumber, etag: Self.etag(response), size: fileRegion.length,
                               serverCRC64: Self.crc64(response), sentCRC64: response.sentBodyCRC64,
                               requestId: response.header("x-oss-request-id"))
    }

    /// Completes with the listed parts (sorted here, since OSS demands ascending order). The
    /// returned `crc64` must be compared with the combined part CRCs before import.
    ///
    /// No low-speed abort: OSS may take long to assemble many parts before it answers, and an
    /// abort there turns a success into an ambiguous failure (oss-multipart.md §4).
    public func completeMultipartUpload(bucket: String, key: String, uploadId: String,
                                        parts: [(partNumber: Int, etag: String)]) async throws -> OSSCompletedUpload {
        let body = OSSXMLCodecs.completeBody(parts: parts.sorted { $0.partNumber < $1.partNumber })
        let md5 = Data(Insecure.MD5.hash(data: body)).base64EncodedString()
        var call = Call(method: "POST", bucket: bucket, key: key, query: [("uploadId", uploadId)],
                        headers: [("Content-Type", "application/xml"), ("Content-MD5", md5)], body: .bytes(body))
        call.abortsWhenStalled = false
        let response = try await perform(call)
        var result = try OSSXMLCodecs.completeResult(response.body)
        result.crc64 = Self.crc64(response)
        result.versionId = response.header("x-oss-version-id")
        return result
    }

    /// Every uploaded part, following `NextPartNumberMarker` until the listing is complete.
    public func listParts(bucket: String, key: String, uploadId: String) async throws -> [OSSPartInfo] {
        var parts: [OSSPartInfo] = []
        var marker = 0
        while true {
            var query: [(name: String, value: String)] = [("uploadId", uploadId), ("max-parts", "1000")]
            if marker > 0 { query.append(("part-number-marker", String(marker))) }
            let response = try await perform(Call(method: "GET", bucket: bucket, key: key, query: query))
            let page = try OSSXMLCodecs.listPartsResult(response.body)
            parts += page.parts
            guard page.isTruncated else { return parts }
            guard let next = page.nextPartNumberMarker, next > marker else {
                throw OSSXMLError(message: "ListParts did not advance past part \(marker)")
            }
            marker = next
        }
    }

    /// Every open upload in the bucket under `prefix`, following the key and upload-id markers.
    public func listMultipartUploads(bucket: String, prefix: String = "") async throws -> [OSSUploadInfo] {
        var uploads: [OSSUploadInfo] = []
        var keyMarker = ""
        var uploadIdMarker = ""
        while true {
            var query: [(name: String, value: String)] = [("uploads", ""), ("max-uploads", "1000"), ("encoding-type", "url")]
            if !prefix.isEmpty { query.append(("prefix", prefix)) }
            if !keyMarker.isEmpty {
                query.append(("key-marker", keyMarker))
                query.append(("upload-id-marker", uploadIdMarker))
            }
            let response = try await perform(Call(method: "GET", bucket: bucket, key: nil, query: query))
            let page = try OSSXMLCodecs.listUploadsResult(response.body)
            uploads += page.uploads
            guard page.isTruncated else { return uploads }
            guard !page.nextKeyMarker.isEmpty,
                  (page.nextKeyMarker, page.nextUploadIdMarker) != (keyMarker, uploadIdMarker) else {
                throw OSSXMLError(message: "ListMultipartUploads did not advance past \(keyMarker)")
            }
            keyMarker = page.nextKeyMarker
            uploadIdMarker = page.nextUploadIdMarker
        }
    }

    /// Deletes the upload and its parts; OSS answers 204.
    public func abortMultipartUpload(bucket: String, key: String, uploadId: String) async throws {
        _ = try await perform(Call(method: "DELETE", bucket: bucket, key: key, query: [("uploadId", uploadId)]))
    }
}
