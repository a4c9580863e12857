import Crypto
import Foundation
import HoistCore
import NIOHTTP1

/// InitiateMultipartUpload, UploadPart, CompleteMultipartUpload and AbortMultipartUpload.
extension OSSService {
    func initiate(_ ctx: OSSRequestContext) throws(OSSErrorReply) -> EmulatorResponse {
        let key = try ctx.validKey()
        if ctx.forbidOverwrite && store.objectExists(bucket: ctx.bucket, key: key) { throw .fileAlreadyExists }
        let upload = store.initiate(bucket: ctx.bucket, key: key, contentType: ctx.request.header("content-type"),
                                    metadata: ctx.storedMetadata, now: ctx.now)
        var xml = XMLWriter()
        xml.element("InitiateMultipartUploadResult") { x in
            if ctx.urlEncoded { x.element("EncodingType", "url") }
            x.element("Bucket", ctx.bucket)
            x.element("Key", ctx.xmlName(key))
            x.element("UploadId", upload.id)
        }
        return .xml(xml)
    }

    func uploadPart(_ ctx: OSSRequestContext) async throws -> EmulatorResponse {
        let key = try ctx.validKey()
        let rawNumber = ctx.request.queryValue("partNumber") ?? ""
        guard let number = Int(rawNumber), (1...10000).contains(number) else {
            throw OSSErrorReply.invalidArgument("Part number must be an integer between 1 and 10000, inclusive.",
                                                name: "partNumber", value: rawNumber)
        }
        let uploadId = ctx.request.queryValue("uploadId") ?? ""
        _ = try store.upload(uploadId, bucket: ctx.bucket, key: key)
        _ = try ctx.requireLength()
        let expectedMD5 = try ctx.contentMD5()
        let expectedCRC = try ctx.clientCRC()

        let result = try await ingest(ctx, expectedMD5: expectedMD5, expectedCRC: expectedCRC,
                                      uploadId: uploadId, partNumber: number)
        let etag = Self.etag(result)
        let part = StoredPart(number: number, size: result.size, crc: result.crc, etag: etag,
                              md5Base64: result.md5.map { Data($0).base64EncodedString() }, path: result.path,
                              lastModified: ctx.now)
        do {
            let replaced = try store.storePart(part, uploadId: uploadId)
            await blobs.removeFile(replaced?.path)
        } catch {
            await blobs.removeFile(result.path)
            throw error
        }
        return EmulatorResponse(status: .ok, headers: Self.uploadHeaders(etag: etag, result: result))
    }

    func complete(_ ctx: OSSRequestContext) async throws -> EmulatorResponse {
        let key = try ctx.validKey()
        let uploadId = ctx.request.queryValue("uploadId") ?? ""
        _ = try store.upload(uploadId, bucket: ctx.bucket, key: key)
        let completeAll = ctx.request.header("x-oss-complete-all")?.lowercased() == "yes"
        let expectedMD5 = try ctx.contentMD5()
        let document = try await readSmallBody(ctx.body, limit: 4 << 20)
        if let expectedMD5, Array(Insecure.MD5.hash(data: document)) != expectedMD5 { throw OSSErrorReply.invalidDigest }
        var listed: [CompletePart]?
        if completeAll {
            if !document.isEmpty {
                throw OSSErrorReply.invalidArgument("Should not speficy both complete all header and http body.", name: "x-oss-complete-all", value: "yes")
            }
        } else {
            listed = try CompleteRequestParser.parse(document)
        }
        let minPart = minPartSize
        let forbid = ctx.forbidOverwrite
        let bucket = ctx.bucket
        let store = store
        let (upload, chosen) = try store.claimUpload(uploadId, bucket: bucket, key: key) { (u: UploadRecord) throws(OSSErrorReply) -> [StoredPart] in
            let parts = try Self.selectParts(listed, from: u, minPartSize: minPart)
            if forbid && store.objectExists(bucket: bucket, key: key) { throw .fileAlreadyExists }
            return parts
        }
        let crc = CRC64.combine(parts: chosen.map { (crc: $0.crc, length: UInt64($0.size)) })
        let size = chosen.reduce(Int64(0)) { $0 + $1.size }
        var md5s = [UInt8]()
        for part in chosen { md5s += Checksums.bytes(hex: part.etag) ?? [] }
        let etag = Checksums.hex(Array(Insecure.MD5.hash(data: md5s))) + "-\(chosen.count)"

        var segments: [Segment] = []
        var directory: String?
        if let adopted = try await blobs.adopt(chosen.compactMap(\.path)) {
            directory = adopted.directory
            segments = zip(adopted.paths, chosen).map { Segment(path: $0, length: $1.size) }
        }
        await blobs.removeDirectory(blobs.uploadDirectory(uploadId))
        let object = StoredObject(key: key, size: size, crc: crc, etag: etag, md5Base64: nil, objectType: "Multipart",
                                  contentType: upload.contentType ?? "application/octet-stream", metadata: upload.metadata,
                                  lastModified: ctx.now, segments: segments, directory: directory)
        let replaced: StoredObject?
        do {
            replaced = try store.putObject(object, bucket: bucket, forbidOverwrite: forbid)
        } catch {
            await blobs.removeDirectory(directory)
            throw error
        }
        await blobs.removeDirectory(replaced?.directory)

        var xml = XMLWriter()
        xml.element("CompleteMultipartUploadResult") { x in
            if ctx.urlEncoded { x.element("EncodingType", "url") }
            let host = ctx.request.header("host") ?? "oss-\(region).aliyuncs.com"
            let location = ctx.address.virtualHosted ? "http://\(host)/\(PercentEncoding.encode(key, keepSlash: true))"
                : "http://\(host)/\(bucket)/\(PercentEncoding.encode(key, keepSlash: true))"
            x.element("Location", location)
            x.element("Bucket", bucket)
            x.element("Key", ctx.xmlName(key))
            x.element("ETag", "\"\(etag)\"")
        }
        var response = EmulatorResponse.xml(xml)
        response.headers.add(name: "x-oss-hash-crc64ecma", value: String(crc))
        response.headers.add(name: "ETag", value: "\"\(etag)\"")
        return response
    }

    /// Validates a Complete part list against the upload, in OSS's order of checks: ascending
    /// part numbers, existing parts with matching ETags, then minimum sizes. Nil means
    /// `x-oss-complete-all`: every uploaded part in order.
    static func selectParts(_ listed: [CompletePart]?, from upload: UploadRecord, minPartSize: Int64) throws(OSSErrorReply) -> [StoredPart] {
        let chosen: [StoredPart]
        if let listed {
            var previous = 0
            for part in listed {
                if part.number <= previous { throw .invalidPartOrder }
                previous = part.number
            }
            chosen = try listed.map { (p: CompletePart) throws(OSSErrorReply) -> StoredPart in
                guard let stored = upload.parts[p.number], Self.normalizedETag(p.etag) == stored.etag.uppercased() else { throw .invalidPart }
                return stored
            }
        } else {
            chosen = upload.parts.keys.sorted().compactMap { upload.parts[$0] }
        }
        if chosen.isEmpty { throw .malformedXML }
        for part in chosen.dropLast() where part.size < minPartSize { throw .entityTooSmall }
        return chosen
    }

    static func normalizedETag(_ etag: String) -> String {
        var e = etag.trimmingCharacters(in: .whitespacesAndNewlines)
        if e.hasPrefix("&quot;") { e = String(e.dropFirst(6)) }
        if e.hasSuffix("&quot;") { e = String(e.dropLast(6)) }
        return e.trimmingCharacters(in: CharacterSet(charactersIn: "\"")).uppercased()
    }

    func abort(_ ctx: OSSRequestContext) async throws -> EmulatorResponse {
        let key = try ctx.validKey()
        let uploadId = ctx.request.queryValue("uploadId") ?? ""
        _ = try store.upload(uploadId, bucket: ctx.bucket, key: key)
        guard store.removeUpload(uploadId) != nil else { throw OSSErrorReply.noSuchUpload(uploadId) }
        await blobs.removeDirectory(blobs.uploadDirectory(uploadId))
        return EmulatorResponse(status: .noContent)
    }

    /// Collects a small body (a Complete document); larger than `limit` is `MalformedXML`.
    func readSmallBody(_ body: RequestBody, limit: Int) async throws -> [UInt8] {
        var bytes = [UInt8]()
        while let chunk = try await body.next() {
            if bytes.count + chunk.readableBytes > limit { throw OSSErrorReply.malformedXML }
            bytes += chunk.readableBytesView
        }
        return bytes
    }
}
