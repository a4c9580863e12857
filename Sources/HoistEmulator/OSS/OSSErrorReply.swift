import NIOHTTP1

/// An OSS error as the service reports it: status, `Code`, `Message`, plus the optional extra
/// elements some errors carry (`UploadId`, `StringToSign`, ...). Rendered as the `<Error>` XML
/// of `oss-multipart.md` §8. Thrown inside handlers and turned into a response at the edge.
struct OSSErrorReply: Error, Sendable {
    var status: Int
    var code: String
    var message: String
    var extras: [(name: String, value: String)] = []
    var headers: [(name: String, value: String)] = []

    func response(requestId: String, hostId: String) -> EmulatorResponse {
        var xml = XMLWriter()
        xml.element("Error") { x in
            x.element("Code", code)
            x.element("Message", message)
            x.element("RequestId", requestId)
            x.element("HostId", hostId)
            for extra in extras { x.element(extra.name, extra.value) }
        }
        var response = EmulatorResponse.xml(xml, status: HTTPResponseStatus(statusCode: status))
        for header in headers { response.headers.add(name: header.name, value: header.value) }
        return response
    }
}

/// The errors the emulator produces, with the messages real OSS uses.
extension OSSErrorReply {
    static func noSuchBucket(_ bucket: String) -> Self {
        Self(status: 404, code: "NoSuchBucket", message: "The specified bucket does not exist.", extras: [("BucketName", bucket)])
    }

    static func noSuchKey(_ key: String) -> Self {
        Self(status: 404, code: "NoSuchKey", message: "The specified key does not exist.", extras: [("Key", key)])
    }

    static func noSuchUpload(_ uploadId: String) -> Self {
        Self(status: 404, code: "NoSuchUpload",
             message: "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
             extras: [("UploadId", uploadId)])
    }

    static func invalidArgument(_ message: String, name: String? = nil, value: String? = nil) -> Self {
        var extras: [(name: String, value: String)] = []
        if let name { extras.append(("ArgumentName", name)) }
        if let value { extras.append(("ArgumentValue", value)) }
        return Self(status: 400, code: "InvalidArgument", message: message, extras: extras)
    }

    static let invalidDigest = Self(status: 400, code: "InvalidDigest", message: "The Content-MD5 you specified was invalid.")
    static let invalidCRC64 = Self(status: 400, code: "InvalidCRC64",
                                   message: "The x-oss-hash-crc64ecma you specified does not match what we calculated.")
    static let invalidPart = Self(status: 400, code: "InvalidPart",
                                  message: "One or more of the specified parts could not be found or the specified entity tag might not have matched the part's entity tag.")
    static let invalidPartOrder = Self(status: 400, code: "InvalidPartOrder", message: "The list of parts was not in ascending order.")
    static let entityTooSmall = Self(status: 400, code: "EntityTooSmall", message: "Your proposed upload smaller than the minimum allowed size.")
    static let entityTooLarge = Self(status: 400, code: "EntityTooLarge", message: "Your proposed upload exceeds the maximum allowed object size.")
    static let malformedXML = Self(status: 400, code: "MalformedXML",
                                   message: "The XML you provided was not well-formed or did not validate against our published schema.")
    static let missingContentLength = Self(status: 411, code: "MissingContentLength", message: "You must provide the Content-Length HTTP header.")
    static let invalidRange = Self(status: 416, code: "InvalidRange", message: "The requested range cannot be satisfied.")
    static let fileAlreadyExists = Self(status: 409, code: "FileAlreadyExists", message: "The object you specified already exists and can not be overwritten.")
    static let bucketNotEmpty = Self(status: 409, code: "BucketNotEmpty", message: "The bucket you tried to delete is not empty.")
    static let requestTimeout = Self(status: 400, code: "RequestTimeout",
                                     message: "Your socket connection to the server was not read from or written to within the timeout period.")
    static let notImplemented = Self(status: 501, code: "NotImplemented", message: "A header you provided implies functionality that is not implemented.")
    static let dataDiscarded = Self(status: 501, code: "NotImplemented",
                                    message: "The emulator runs in discard mode and kept no object data; HeadObject still works.")

    static func invalidObjectName(_ key: String) -> Self {
        Self(status: 400, code: "InvalidObjectName", message: "The specified object is not valid.", extras: [("ObjectName", key)])
    }

    static func invalidBucketName(_ bucket: String) -> Self {
        Self(status: 400, code: "InvalidBucketName", message: "The specified bucket is not valid.", extras: [("BucketName", bucket)])
    }
}
