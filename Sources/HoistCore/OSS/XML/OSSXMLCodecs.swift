import Foundation

/// A response body that is not the XML a successful OSS call returns.
public struct OSSXMLError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { "malformed OSS response: \(message)" }
}

/// Decoders for the multipart and bucket responses (oss-multipart.md §2–§7) and the encoder for
/// the CompleteMultipartUpload body. Elements are found by local name; unknown ones are ignored.
public enum OSSXMLCodecs {
    public static func initiateResult(_ body: [UInt8]) throws -> OSSInitiatedUpload {
        let root = try document(body, root: "InitiateMultipartUploadResult")
        let url = isURLEncoded(root)
        guard let uploadId = root.string("UploadId"), !uploadId.isEmpty else { throw OSSXMLError(message: "no UploadId") }
        return OSSInitiatedUpload(bucket: root.string("Bucket") ?? "",
                                  key: try decoded(root.string("Key") ?? "", url),
                                  uploadId: uploadId)
    }

    public static func listPartsResult(_ body: [UInt8]) throws -> OSSPartListing {
        let root = try document(body, root: "ListPartsResult")
        let parts = try root.children("Part").map { part -> OSSPartInfo in
            guard let number = part.string("PartNumber").flatMap({ Int($0) }) else {
                throw OSSXMLError(message: "Part without a PartNumber")
            }
            guard let size = part.string("Size").flatMap({ Int64($0) }) else {
                throw OSSXMLError(message: "Part \(number) without a Size")
            }
            var crc: UInt64?
            if let text = part.string("HashCrc64ecma"), !text.isEmpty {
                guard let value = UInt64(text) else { throw OSSXMLError(message: "Part \(number) has a bad HashCrc64ecma") }
                crc = value
            }
            return OSSPartInfo(partNumber: number, etag: unquotedETag(part.string("ETag") ?? ""), size: size, crc64: crc,
                               lastModified: part.string("LastModified").flatMap(OSSDate.parseISO8601))
        }
        let truncated = try bool(root.string("IsTruncated"))
        let next = root.string("NextPartNumberMarker").flatMap { Int($0) }
        if truncated && next == nil { throw OSSXMLError(message: "truncated ListParts without NextPartNumberMarker") }
        return OSSPartListing(bucket: root.string("Bucket") ?? "",
                              key: try decoded(root.string("Key") ?? "", isURLEncoded(root)),
                              uploadId: root.string("UploadId") ?? "",
                              partNumberMarker: root.string("PartNumberMarker").flatMap { Int($0) } ?? 0,
                              nextPartNumberMarker: next,
                              maxParts: root.string("MaxParts").flatMap { Int($0) },
                              isTruncated: truncated,
                              parts: parts)
    }

    public static func listUploadsResult(_ body: [UInt8]) throws -> OSSUploadListing {
        let root = try document(body, root: "ListMultipartUploadsResult")
        let url = isURLEncoded(root)
        let uploads = try root.children("Upload").map { upload -> OSSUploadInfo in
            guard let key = upload.string("Key"), let id = upload.string("UploadId") else {
                throw OSSXMLError(message: "Upload without Key or UploadId")
            }
            return OSSUploadInfo(key: try decoded(key, url), uploadId: id,
                                 initiated: upload.string("Initiated").flatMap(OSSDate.parseISO8601))
        }
        let prefixes = try root.children("CommonPrefixes").compactMap { $0.string("Prefix") }.map { try decoded($0, url) }
        return OSSUploadListing(bucket: root.string("Bucket") ?? "",
                                prefix: try decoded(root.string("Prefix") ?? "", url),
                                keyMarker: try decoded(root.string("KeyMarker") ?? "", url),
                                uploadIdMarker: root.string("UploadIdMarker") ?? "",
                                nextKeyMarker: try decoded(root.string("NextKeyMarker") ?? "", url),
                                nextUploadIdMarker: root.string("NextUploadIdMarker") ?? "",
                                isTruncated: try bool(root.string("IsTruncated")),
                                uploads: uploads,
                                commonPrefixes: prefixes)
    }

    /// `crc64` and `versionId` come from headers; the caller fills them in.
    public static func completeResult(_ body: [UInt8]) throws -> OSSCompletedUpload {
        let root = try document(body, root: "CompleteMultipartUploadResult")
        let url = isURLEncoded(root)
        return OSSCompletedUpload(location: root.string("Location") ?? "",
                                  bucket: root.string("Bucket") ?? "",
                                  key: try decoded(root.string("Key") ?? "", url),
                                  etag: unquotedETag(root.string("ETag") ?? ""),
                                  crc64: nil, versionId: nil)
    }

    public static func bucketInfo(_ body: [UInt8]) throws -> OSSBucketInfo {
        let root = try document(body, root: "BucketInfo")
        guard let bucket = root.child("Bucket"), let name = bucket.string("Name") else {
            throw OSSXMLError(message: "BucketInfo without Bucket/Name")
        }
        return OSSBucketInfo(name: name, location: bucket.string("Location"),
                             creationDate: bucket.string("CreationDate").flatMap(OSSDate.parseISO8601),
                             storageClass: bucket.string("StorageClass"),
                             extranetEndpoint: bucket.string("ExtranetEndpoint"),
                             intranetEndpoint: bucket.string("IntranetEndpoint"))
    }

    /// The CompleteMultipartUpload body, parts in the order given (the caller sorts ascending),
    /// ETags quoted as oss2 sends them.
    public static func completeBody(parts: [(partNumber: Int, etag: String)]) -> [UInt8] {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CompleteMultipartUpload>"
        for part in parts {
            xml += "<Part><PartNumber>\(part.partNumber)</PartNumber><ETag>"
                + escape("\"" + unquotedETag(part.etag) + "\"") + "</ETag></Part>"
        }
        xml += "</CompleteMultipartUpload>"
        return Array(xml.utf8)
    }

    /// The body of a bucket-creation request.
    public static func createBucketBody(storageClass: String) -> [UInt8] {
        Array(("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CreateBucketConfiguration><StorageClass>"
            + escape(storageClass) + "</StorageClass></CreateBucketConfiguration>").utf8)
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(ch)
            }
        }
        return out
    }

    // MARK: - Helpers

    static func document(_ body: [UInt8], root name: String) throws -> OSSXMLElement {
        guard let root = OSSXMLElement.parse(body) else { throw OSSXMLError(message: "\(name) is not well-formed XML") }
        guard root.name == name else { throw OSSXMLError(message: "expected \(name), got \(root.name)") }
        return root
    }

    static func isURLEncoded(_ root: OSSXMLElement) -> Bool {
        root.string("EncodingType")?.lowercased() == "url"
    }

    static func decoded(_ value: String, _ urlEncoded: Bool) throws -> String {
        guard urlEncoded else { return value }
        guard let plain = PercentEncoding.decode(value) else { throw OSSXMLError(message: "bad URL encoding in \(value)") }
        return plain
    }

    static func bool(_ value: String?) throws -> Bool {
        switch value?.lowercased() {
        case nil, "false": return false
        case "true": return true
        default: throw OSSXMLError(message: "bad boolean \(value ?? "")")
        }
    }
}
