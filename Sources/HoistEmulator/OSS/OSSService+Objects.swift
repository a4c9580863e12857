import Foundation
import NIOHTTP1

/// PutObject, HeadObject, GetObject (with Range) and DeleteObject.
extension OSSService {
    func putObject(_ ctx: OSSRequestContext) async throws -> EmulatorResponse {
        let key = try ctx.validKey()
        _ = try ctx.requireLength()
        let expectedMD5 = try ctx.contentMD5()
        let expectedCRC = try ctx.clientCRC()
        if ctx.forbidOverwrite && store.objectExists(bucket: ctx.bucket, key: key) { throw OSSErrorReply.fileAlreadyExists }

        let result = try await ingest(ctx, expectedMD5: expectedMD5, expectedCRC: expectedCRC, uploadId: nil, partNumber: nil)
        let etag = Self.etag(result)
        var segments: [Segment] = []
        var directory: String?
        if let path = result.path, let adopted = try await blobs.adopt([path]) {
            directory = adopted.directory
            segments = [Segment(path: adopted.paths[0], length: result.size)]
        }
        let object = StoredObject(key: key, size: result.size, crc: result.crc, etag: etag,
                                  md5Base64: result.md5.map { Data($0).base64EncodedString() }, objectType: "Normal",
                                  contentType: ctx.request.header("content-type") ?? "application/octet-stream",
                                  metadata: ctx.storedMetadata, lastModified: ctx.now, segments: segments, directory: directory)
        let replaced: StoredObject?
        do {
            replaced = try store.putObject(object, bucket: ctx.bucket, forbidOverwrite: ctx.forbidOverwrite)
        } catch {
            await blobs.removeDirectory(directory)
            throw error
        }
        await blobs.removeDirectory(replaced?.directory)
        return EmulatorResponse(status: .ok, headers: Self.uploadHeaders(etag: etag, result: result))
    }

    /// GetObject and HeadObject share headers, conditions and range handling.
    func getObject(_ ctx: OSSRequestContext) throws(OSSErrorReply) -> EmulatorResponse {
        let key = try ctx.validKey()
        let object = try store.object(bucket: ctx.bucket, key: key)
        let quoted = "\"\(object.etag)\""
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: object.contentType)
        headers.add(name: "ETag", value: quoted)
        headers.add(name: "Last-Modified", value: HTTPDates.rfc1123(object.lastModified))
        headers.add(name: "Accept-Ranges", value: "bytes")
        headers.add(name: "x-oss-object-type", value: object.objectType)
        headers.add(name: "x-oss-hash-crc64ecma", value: String(object.crc))
        if !object.metadata.contains(where: { $0.name == "x-oss-storage-class" }) {
            headers.add(name: "x-oss-storage-class", value: "Standard")
        }
        for m in object.metadata { headers.add(name: m.name, value: m.value) }
        if let md5 = object.md5Base64 { headers.add(name: "Content-MD5", value: md5) }

        if let ifMatch = ctx.request.header("if-match"), Self.normalizedETag(ifMatch) != object.etag.uppercased() {
            throw OSSErrorReply(status: 412, code: "PreconditionFailed", message: "At least one of the pre-conditions you specified did not hold.")
        }
        if let ifNoneMatch = ctx.request.header("if-none-match"), Self.normalizedETag(ifNoneMatch) == object.etag.uppercased() {
            headers.add(name: "Content-Length", value: "0")
            return EmulatorResponse(status: .notModified, headers: headers)
        }

        var first: Int64 = 0
        var length = object.size
        var status = HTTPResponseStatus.ok
        switch ByteRange.parse(ctx.request.header("range"), size: object.size) {
        case .whole:
            break
        case .unsatisfiable:
            throw .invalidRange
        case .slice(let from, let to):
            first = from
            length = to - from + 1
            status = .partialContent
            headers.add(name: "Content-Range", value: "bytes \(from)-\(to)/\(object.size)")
        }
        headers.add(name: "Content-Length", value: String(length))
        if ctx.request.method == .HEAD || length == 0 {
            return EmulatorResponse(status: status, headers: headers)
        }
        if blobs.discards { throw .dataDiscarded }
        let producer = blobs.producer(segments: object.segments, offset: first, length: length)
        return EmulatorResponse(status: status, headers: headers, body: .stream(length: length, producer: producer))
    }

    func deleteObject(_ ctx: OSSRequestContext) async throws -> EmulatorResponse {
        let key = try ctx.validKey()
        if let removed = store.deleteObject(bucket: ctx.bucket, key: key) {
            await blobs.removeDirectory(removed.directory)
        }
        return EmulatorResponse(status: .noContent)
    }
}
