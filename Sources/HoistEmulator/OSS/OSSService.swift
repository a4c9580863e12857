import Foundation
import HoistCore
import Logging
import NIOHTTP1

/// The emulated OSS API. It claims every request no other service claimed, resolves the bucket
/// and key, authenticates the head, and dispatches to one handler per operation (the
/// `OSSService+*.swift` files).
struct OSSService: EmulatorService {
    let store: OSSStore
    let blobs: BlobStore
    let authenticator: any OSSAuthenticator
    let counters: EmulatorCounters
    let region: String
    /// Minimum size of every listed part but the last at Complete (OSS: 102400).
    let minPartSize: Int64
    let logger: Logger
    /// Told of every request that writes bytes to a key (UploadPart, Complete, PutObject), before
    /// it is handled: ECS's model of an import reading its object while it runs.
    var onWrite: @Sendable (_ bucket: String, _ key: String, _ now: Date) -> Void = { _, _, _ in }

    /// OSS's single-request limit (PutObject, UploadPart): 5 GiB.
    static let maxSingleUpload: Int64 = 5 << 30

    func claims(_ request: EmulatorRequest) -> Bool { true }

    func operation(of request: EmulatorRequest) -> String {
        OSSOperation(request: request, address: OSSAddress(request: request)).rawValue
    }

    func injectedFailure(_ fault: ErrorFault, request: EmulatorRequest, now: Date) -> EmulatorResponse {
        if fault.foreign == true {
            let status = HTTPResponseStatus(statusCode: fault.status)
            var response = EmulatorResponse.text(status, "<html><body><h1>\(fault.status) \(status.reasonPhrase)</h1></body></html>",
                                                 contentType: "text/html")
            if fault.status == 407 { response.headers.add(name: "Proxy-Authenticate", value: "Basic realm=\"proxy\"") }
            response.foreign = true
            return response
        }
        var reply = OSSErrorReply(status: fault.status, code: fault.code,
                                  message: fault.message ?? "Injected fault: \(fault.code).")
        if let delay = fault.qosDelayTime { reply.headers.append(("x-oss-qos-delay-time", String(delay))) }
        return render(reply, request: request)
    }

    func respond(to request: EmulatorRequest, body: RequestBody, now: Date) async throws -> EmulatorResponse {
        let address = OSSAddress(request: request)
        let operation = OSSOperation(request: request, address: address)
        do {
            if let failure = authenticator.authenticate(request, address: address, now: now) { throw failure }
            let ctx = OSSRequestContext(request: request, address: address, body: body, now: now)
            switch operation {
            case .listBuckets: return listBuckets(ctx)
            case .putBucket: return try putBucket(ctx)
            default: break
            }
            guard let bucket = address.bucket, store.hasBucket(bucket) else { throw OSSErrorReply.noSuchBucket(address.bucket ?? "") }
            if operation.writesObject, let key = address.key { onWrite(bucket, key, now) }
            switch operation {
            case .deleteBucket: return try deleteBucket(ctx)
            case .getBucketInfo: return try bucketInfo(ctx)
            case .listObjects: return try listObjects(ctx)
            case .listMultipartUploads: return try listMultipartUploads(ctx)
            case .initiateMultipartUpload: return try initiate(ctx)
            case .uploadPart: return try await uploadPart(ctx)
            case .completeMultipartUpload: return try await complete(ctx)
            case .listParts: return try listParts(ctx)
            case .abortMultipartUpload: return try await abort(ctx)
            case .putObject: return try await putObject(ctx)
            case .getObject, .headObject: return try getObject(ctx)
            case .deleteObject: return try await deleteObject(ctx)
            case .listBuckets, .putBucket, .unsupported: throw OSSErrorReply.notImplemented
            }
        } catch let reply as OSSErrorReply {
            return render(reply, request: request)
        } catch let error as RequestBodyError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            logger.error("\(operation.rawValue) failed: \(error)")
            return render(OSSErrorReply(status: 500, code: "InternalError", message: "We encountered an internal error. Please try again. (\(error))"),
                          request: request)
        }
    }

    /// The error XML; HEAD answers carry only the headers, as on OSS.
    func render(_ reply: OSSErrorReply, request: EmulatorRequest) -> EmulatorResponse {
        var response = reply.response(requestId: request.requestId, hostId: request.header("host") ?? "oss-\(region).aliyuncs.com")
        if request.method == .HEAD {
            response.body = .empty
            response.headers.remove(name: "Content-Type")
        }
        return response
    }
}

/// Everything one handler needs about the request it serves.
struct OSSRequestContext {
    var request: EmulatorRequest
    var address: OSSAddress
    var body: RequestBody
    var now: Date

    var bucket: String { address.bucket ?? "" }
    var key: String { address.key ?? "" }
    var urlEncoded: Bool { request.queryValue("encoding-type") == "url" }

    /// The key, validated as OSS does (1-1023 bytes, not starting with `/` or `\`).
    func validKey() throws(OSSErrorReply) -> String {
        let k = key
        if k.isEmpty || k.utf8.count > 1023 || k.hasPrefix("/") || k.hasPrefix("\\") { throw .invalidObjectName(k) }
        return k
    }

    /// A name as it appears in XML: percent-encoded when `encoding-type=url` was asked for.
    func xmlName(_ name: String) -> String { urlEncoded ? PercentEncoding.encode(name, keepSlash: false) : name }

    var forbidOverwrite: Bool { request.header("x-oss-forbid-overwrite")?.lowercased() == "true" }

    /// The decoded `Content-MD5`, or nil when absent; `InvalidDigest` when not 16 base64 bytes.
    func contentMD5() throws(OSSErrorReply) -> [UInt8]? {
        guard let value = request.header("content-md5") else { return nil }
        guard let data = Data(base64Encoded: value.trimmingCharacters(in: .whitespaces)), data.count == 16 else { throw .invalidDigest }
        return Array(data)
    }

    /// A client-sent `x-oss-hash-crc64ecma`, if any.
    func clientCRC() throws(OSSErrorReply) -> UInt64? {
        guard let value = request.header("x-oss-hash-crc64ecma") else { return nil }
        guard let crc = UInt64(value.trimmingCharacters(in: .whitespaces)) else { throw .invalidCRC64 }
        return crc
    }

    /// The declared body length; 411 when there is neither Content-Length nor chunked encoding.
    func requireLength() throws(OSSErrorReply) -> Int64? {
        if let length = request.contentLength {
            if length > OSSService.maxSingleUpload { throw .entityTooLarge }
            return length
        }
        if request.isChunked { return nil }
        throw .missingContentLength
    }

    /// Headers stored with an object: standard content headers, storage class and user metadata.
    var storedMetadata: [(name: String, value: String)] {
        let standard: Set<String> = ["cache-control", "content-disposition", "content-encoding", "expires", "x-oss-storage-class"]
        return request.headers.compactMap { h in
            let lower = h.name.lowercased()
            return standard.contains(lower) || lower.hasPrefix("x-oss-meta-") ? (lower, h.value) : nil
        }
    }
}
