import Foundation

/// PutBucket, DeleteBucket, GetBucketInfo, ListBuckets and a plain ListObjects: enough bucket
/// surface for `hoist doctor`, SDK smoke tests and humans poking with curl.
extension OSSService {
    func putBucket(_ ctx: OSSRequestContext) throws(OSSErrorReply) -> EmulatorResponse {
        let name = ctx.bucket
        guard Self.isValidBucketName(name) else { throw .invalidBucketName(name) }
        store.createBucket(name, now: ctx.now)
        var response = EmulatorResponse(status: .ok)
        response.headers.add(name: "Location", value: "/\(name)")
        return response
    }

    func deleteBucket(_ ctx: OSSRequestContext) throws(OSSErrorReply) -> EmulatorResponse {
        try store.deleteBucket(ctx.bucket)
        return EmulatorResponse(status: .noContent)
    }

    func bucketInfo(_ ctx: OSSRequestContext) throws(OSSErrorReply) -> EmulatorResponse {
        guard let bucket = store.bucket(ctx.bucket) else { throw .noSuchBucket(ctx.bucket) }
        var xml = XMLWriter()
        xml.element("BucketInfo") { x in
            x.element("Bucket") { b in
                b.element("Name", bucket.name)
                b.element("Location", "oss-\(region)")
                b.element("CreationDate", HTTPDates.iso8601(bucket.created))
                b.element("ExtranetEndpoint", "oss-\(region).aliyuncs.com")
                b.element("IntranetEndpoint", "oss-\(region)-internal.aliyuncs.com")
                b.element("Region", region)
                b.element("StorageClass", "Standard")
                b.element("AccessControlList") { a in a.element("Grant", "private") }
            }
        }
        return .xml(xml)
    }

    func listBuckets(_ ctx: OSSRequestContext) -> EmulatorResponse {
        var xml = XMLWriter()
        xml.element("ListAllMyBucketsResult") { x in
            x.element("Buckets") { list in
                for bucket in store.bucketNames() {
                    list.element("Bucket") { b in
                        b.element("Name", bucket.name)
                        b.element("CreationDate", HTTPDates.iso8601(bucket.created))
                        b.element("Location", "oss-\(region)")
                        b.element("Region", region)
                        b.element("StorageClass", "Standard")
                    }
                }
            }
        }
        return .xml(xml)
    }

    /// ListObjects (v1): prefix, marker and max-keys; no delimiter grouping.
    func listObjects(_ ctx: OSSRequestContext) throws(OSSErrorReply) -> EmulatorResponse {
        let prefix = ctx.request.queryValue("prefix") ?? ""
        let marker = ctx.request.queryValue("marker") ?? ""
        let maxKeys = min(try Self.integer(ctx, name: "max-keys") ?? 100, 1000)
        let all = store.objects(bucket: ctx.bucket).filter { $0.key.hasPrefix(prefix) && $0.key > marker }
        let page = all.prefix(maxKeys)
        var xml = XMLWriter()
        xml.element("ListBucketResult") { x in
            x.element("Name", ctx.bucket)
            x.element("Prefix", ctx.xmlName(prefix))
            x.element("Marker", ctx.xmlName(marker))
            x.element("MaxKeys", maxKeys)
            x.element("Delimiter", "")
            x.element("IsTruncated", all.count > maxKeys ? "true" : "false")
            if all.count > maxKeys, let last = page.last { x.element("NextMarker", ctx.xmlName(last.key)) }
            for object in page {
                x.element("Contents") { c in
                    c.element("Key", ctx.xmlName(object.key))
                    c.element("LastModified", HTTPDates.iso8601(object.lastModified))
                    c.element("ETag", "\"\(object.etag)\"")
                    c.element("Type", object.objectType)
                    c.element("Size", object.size)
                    c.element("StorageClass", "Standard")
                }
            }
        }
        return .xml(xml)
    }

    /// 3-63 characters of lower-case letters, digits and `-`, starting and ending alphanumeric.
    static func isValidBucketName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (3...63).contains(bytes.count) else { return false }
        func alnum(_ b: UInt8) -> Bool { (b >= 97 && b <= 122) || (b >= 48 && b <= 57) }
        return alnum(bytes.first!) && alnum(bytes.last!) && bytes.allSatisfy { alnum($0) || $0 == 45 }
    }
}
