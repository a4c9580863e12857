import Foundation

/// ListParts and ListMultipartUploads, with OSS's paging rules.
extension OSSService {
    func listParts(_ ctx: OSSRequestContext) throws(OSSErrorReply) -> EmulatorResponse {
        let key = try ctx.validKey()
        let uploadId = ctx.request.queryValue("uploadId") ?? ""
        let upload = try store.upload(uploadId, bucket: ctx.bucket, key: key)
        let maxParts = try Self.pageSize(ctx, name: "max-parts")
        let marker = try Self.integer(ctx, name: "part-number-marker") ?? 0
        let numbers = upload.parts.keys.sorted().filter { $0 > marker }
        let page = numbers.prefix(maxParts)
        let truncated = numbers.count > maxParts
        var xml = XMLWriter()
        xml.element("ListPartsResult") { x in
            if ctx.urlEncoded { x.element("EncodingType", "url") }
            x.element("Bucket", ctx.bucket)
            x.element("Key", ctx.xmlName(key))
            x.element("UploadId", uploadId)
            x.element("StorageClass", "Standard")
            x.element("PartNumberMarker", marker)
            x.element("NextPartNumberMarker", page.last ?? marker)
            x.element("MaxParts", maxParts)
            x.element("IsTruncated", truncated ? "true" : "false")
            for number in page {
                guard let part = upload.parts[number] else { continue }
                x.element("Part") { p in
                    p.element("PartNumber", part.number)
                    p.element("LastModified", HTTPDates.iso8601(part.lastModified))
                    p.element("ETag", "\"\(part.etag)\"")
                    p.element("HashCrc64ecma", String(part.crc))
                    p.element("Size", part.size)
                }
            }
        }
        return .xml(xml)
    }

    func listMultipartUploads(_ ctx: OSSRequestContext) throws(OSSErrorReply) -> EmulatorResponse {
        let q = ctx.request
        let prefix = q.queryValue("prefix") ?? ""
        let delimiter = q.queryValue("delimiter") ?? ""
        let keyMarker = q.queryValue("key-marker") ?? ""
        let idMarker = keyMarker.isEmpty ? "" : (q.queryValue("upload-id-marker") ?? "")
        let maxUploads = try Self.pageSize(ctx, name: "max-uploads")

        let candidates = store.uploads(bucket: ctx.bucket).filter { u in
            guard u.key.hasPrefix(prefix) else { return false }
            if keyMarker.isEmpty { return true }
            return u.key > keyMarker || (u.key == keyMarker && !idMarker.isEmpty && u.id > idMarker)
        }
        // Entries in order: an upload, or a common prefix standing for all uploads under it.
        enum Entry { case upload(UploadRecord), prefix(String) }
        var entries: [Entry] = []
        var seenPrefixes = Set<String>()
        for u in candidates {
            if !delimiter.isEmpty, let range = u.key.dropFirst(prefix.count).range(of: delimiter) {
                let common = String(u.key[..<range.upperBound])
                if seenPrefixes.insert(common).inserted { entries.append(.prefix(common)) }
            } else {
                entries.append(.upload(u))
            }
        }
        let page = entries.prefix(maxUploads)
        let truncated = entries.count > maxUploads
        var xml = XMLWriter()
        xml.element("ListMultipartUploadsResult") { x in
            if ctx.urlEncoded { x.element("EncodingType", "url") }
            x.element("Bucket", ctx.bucket)
            x.element("KeyMarker", ctx.xmlName(keyMarker))
            x.element("UploadIdMarker", idMarker)
            var nextKey = "", nextId = ""
            if truncated, let last = page.last {
                switch last {
                case .upload(let u): nextKey = u.key; nextId = u.id
                case .prefix(let p): nextKey = p
                }
            }
            x.element("NextKeyMarker", ctx.xmlName(nextKey))
            x.element("NextUploadIdMarker", nextId)
            x.element("Delimiter", ctx.xmlName(delimiter))
            x.element("Prefix", ctx.xmlName(prefix))
            x.element("MaxUploads", maxUploads)
            x.element("IsTruncated", truncated ? "true" : "false")
            for entry in page {
                switch entry {
                case .upload(let u):
                    x.element("Upload") { e in
                        e.element("Key", ctx.xmlName(u.key))
                        e.element("UploadId", u.id)
                        e.element("StorageClass", "Standard")
                        e.element("Initiated", HTTPDates.iso8601(u.initiated))
                    }
                case .prefix(let p):
                    x.element("CommonPrefixes") { e in e.element("Prefix", ctx.xmlName(p)) }
                }
            }
        }
        return .xml(xml)
    }

    /// `max-parts` / `max-uploads`: absent or empty → 1000; above 1000 → 1000; not a positive
    /// integer → `InvalidArgument`.
    static func pageSize(_ ctx: OSSRequestContext, name: String) throws(OSSErrorReply) -> Int {
        guard let value = try integer(ctx, name: name) else { return 1000 }
        guard value >= 1 else { throw .invalidArgument("Argument \(name) must be between 1 and 1000.", name: name, value: String(value)) }
        return min(value, 1000)
    }

    /// An optional non-negative integer query parameter; an empty value counts as absent.
    static func integer(_ ctx: OSSRequestContext, name: String) throws(OSSErrorReply) -> Int? {
        guard let raw = ctx.request.queryValue(name), !raw.isEmpty else { return nil }
        guard let value = Int(raw), value >= 0 else {
            throw .invalidArgument("Argument \(name) is not a valid integer.", name: name, value: raw)
        }
        return value
    }
}
