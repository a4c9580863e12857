import Foundation
import HoistCore
import Logging
import NIOCore
import NIOHTTP1

/// The emulated ECS RPC API (the part an image import uses): ImportImage, DescribeImages,
/// DescribeTasks, DescribeTaskAttribute and CancelTask, on the same port as OSS.
///
/// It claims a request by its head alone: an `x-acs-action` header (ACS3, the current SDKs), an
/// `Action` query parameter (signature v1, both SDK generations), or a form-encoded POST to `/`
/// (v1 with the parameters in the body). OSS never uses any of these, so the router can ask ECS
/// first. Answers are always JSON, the format every SDK asks for; errors carry the real codes and
/// HTTP statuses with `RequestId`, `HostId`, `Code`, `Message` and `Recommend`.
struct ECSService: EmulatorService {
    let registry: ECSImageRegistry
    let store: OSSStore
    let probe: ECSObjectProbe
    let authenticator: ECSAuthenticator
    /// The emulator's region: its buckets live there, so ImportImage elsewhere finds no bucket.
    let region: String
    let logger: Logger

    /// RPC parameters are small; a bigger body is not an ECS call.
    static let maxBody = 1 << 20

    static let actions: Set<String> = ["ImportImage", "DescribeImages", "DescribeTasks", "DescribeTaskAttribute", "CancelTask"]

    func claims(_ request: EmulatorRequest) -> Bool {
        if request.header("x-acs-action") != nil || request.hasQuery("Action") { return true }
        let contentType = request.header("content-type")?.lowercased() ?? ""
        return request.method == .POST && request.rawPath == "/" && contentType.hasPrefix("application/x-www-form-urlencoded")
    }

    /// The action name, so counters and fault rules use `ImportImage`, `DescribeImages`, …
    /// A v1 call whose `Action` is only in the form body cannot be named from the head; it
    /// counts as `ECS`.
    func operation(of request: EmulatorRequest) -> String {
        request.header("x-acs-action") ?? request.queryValue("Action") ?? "ECS"
    }

    func injectedFailure(_ fault: ErrorFault, request: EmulatorRequest, now: Date) -> EmulatorResponse {
        render(ECSError(code: fault.code, message: fault.message ?? "Injected fault: \(fault.code).", httpStatus: fault.status),
               requestId: ECSResourceIds.requestId())
    }

    func respond(to request: EmulatorRequest, body: RequestBody, now: Date) async throws -> EmulatorResponse {
        let requestId = ECSResourceIds.requestId()
        var action = operation(of: request)
        do {
            var bytes: [UInt8] = []
            while let chunk = try await body.next() {
                bytes += chunk.readableBytesView
                if bytes.count > Self.maxBody { throw ECSError.invalidParameter("Body", "RPC parameters are limited to 1 MiB.") }
            }
            guard request.method == .GET || request.method == .POST else {
                throw ECSError(code: "UnsupportedHTTPMethod", message: "This http method is not supported.", httpStatus: 403)
            }
            let received = ECSReceivedRequest(method: request.method.rawValue, target: request.uri,
                                              headers: request.headers.map { (name: $0.name, value: $0.value) }, body: bytes)
            let call = try authenticator.authenticate(received, now: now)
            action = call.action
            return try await dispatch(call, requestId: requestId, now: now)
        } catch let error as ECSError {
            return render(error, requestId: requestId)
        } catch let error as RequestBodyError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            logger.error("ECS \(action) failed: \(error)")
            return render(ECSError(code: "InternalError", message: "The request processing has failed due to some unknown error. (\(error))",
                                   httpStatus: 500), requestId: requestId)
        }
    }

    private func dispatch(_ call: ECSCall, requestId: String, now: Date) async throws -> EmulatorResponse {
        switch call.action {
        case "ImportImage": return try await importImage(call, requestId: requestId, now: now)
        case "DescribeImages": return try describeImages(call, requestId: requestId, now: now)
        case "DescribeTasks": return try describeTasks(call, requestId: requestId, now: now)
        case "DescribeTaskAttribute": return try describeTaskAttribute(call, requestId: requestId, now: now)
        case "CancelTask": return try cancelTask(call, requestId: requestId, now: now)
        default: throw ECSError.invalidAction(call.action)
        }
    }

    // MARK: Rendering

    var hostId: String { "ecs.\(region).aliyuncs.com" }

    func json(_ value: some Encodable, requestId: String) -> EmulatorResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Self.response(.ok, body: Array(data), requestId: requestId)
    }

    func render(_ error: ECSError, requestId: String) -> EmulatorResponse {
        var error = error
        error.requestId = requestId
        error.hostId = error.hostId ?? hostId
        error.recommend = error.recommend ?? "https://api.aliyun.com/troubleshoot?q=\(error.code)&product=Ecs"
        return Self.response(HTTPResponseStatus(statusCode: error.httpStatus), body: error.jsonBody(), requestId: requestId)
    }

    private static func response(_ status: HTTPResponseStatus, body: [UInt8], requestId: String) -> EmulatorResponse {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json;charset=utf-8")
        headers.add(name: "x-acs-request-id", value: requestId)
        headers.add(name: "Server", value: "Tengine")
        return EmulatorResponse(status: status, headers: headers, body: .buffer(ByteBuffer(bytes: body)))
    }
}

/// Errors of the import flow that `ECSError+Catalogue` does not carry, with the real codes.
extension ECSError {
    static let ossBucketNotFound = ECSError(
        code: "InvalidOSSBucket.NotFound", message: "The specified OSS bucket does not exist in this region.", httpStatus: 400)
    static let ossObjectNotFound = ECSError(
        code: "InvalidOSSObject.NotFound", message: "The specified OSS object does not exist in this region.", httpStatus: 400)
    static let imageNameDuplicated = ECSError(
        code: "InvalidImageName.Duplicated", message: "The destination image is exist.", httpStatus: 400)
    static let idempotentParameterMismatch = ECSError(
        code: "IdempotentParameterMismatch",
        message: "The request uses the same client token as a previous, but non-identical request.", httpStatus: 400)
    static let dryRunOperation = ECSError(
        code: "DryRunOperation", message: "Request validation has been passed with DryRun flag set.", httpStatus: 400)
    static let taskNotFound = ECSError(
        code: "InvalidTaskId.NotFound", message: "The specified \"TaskId\" is not found.", httpStatus: 400)
    static let taskStatusIncorrect = ECSError(
        code: "InvalidTaskId.IncorrectTaskStatus", message: "The current status of the task does not support this operation.",
        httpStatus: 403)
}
