import Foundation
import HoistCore
import NIOCore
import NIOHTTP1

/// The emulated STS: `AssumeRole` (an RPC call signed like ECS, version `2015-04-01`, checked by
/// the same `ECSRequestVerifier` against the keyring, temporary keys included) and
/// `AssumeRoleWithOIDC` (anonymous, as on the real service: the OIDC token is the proof; any
/// non-empty token is accepted). Both answer `{"RequestId", "AssumedRoleUser", "Credentials"}`
/// with credentials the keyring then accepts until they expire.
///
/// It shares the ECS port and claims a request only by its action (`x-acs-action` or the
/// `Action` query parameter), so it sits before ECS in the router.
struct STSService: EmulatorService {
    static let version = "2015-04-01"
    static let actions: Set<String> = ["AssumeRole", "AssumeRoleWithOIDC"]

    let control: STSControl
    /// Nil accepts unsigned AssumeRole calls too (`--no-auth`).
    let verifier: ECSRequestVerifier?

    init(control: STSControl, authentication: Bool) {
        self.control = control
        let keyring = control.keyring
        guard authentication else {
            verifier = nil
            return
        }
        verifier = ECSRequestVerifier(nonces: ECSNonceCache(), versions: [Self.version]) { id in
            keyring.key(id).map {
                ECSAccessKeyRecord(secret: $0.secret, securityToken: $0.securityToken,
                                   tokenExpiration: $0.expiration?.timeIntervalSince1970)
            }
        }
    }

    func claims(_ request: EmulatorRequest) -> Bool { Self.actions.contains(operation(of: request)) }

    func operation(of request: EmulatorRequest) -> String {
        request.header("x-acs-action") ?? request.queryValue("Action") ?? ""
    }

    func injectedFailure(_ fault: ErrorFault, request: EmulatorRequest, now: Date) -> EmulatorResponse {
        render(ECSError(code: fault.code, message: fault.message ?? "Injected fault: \(fault.code).", httpStatus: fault.status))
    }

    func respond(to request: EmulatorRequest, body: RequestBody, now: Date) async throws -> EmulatorResponse {
        var bytes: [UInt8] = []
        while let chunk = try await body.next() {
            bytes += chunk.readableBytesView
            if bytes.count > 1 << 20 { return render(ECSError.invalidParameter("Body", "RPC parameters are limited to 1 MiB.")) }
        }
        let received = ECSReceivedRequest(method: request.method.rawValue, target: request.uri,
                                          headers: request.headers.map { (name: $0.name, value: $0.value) }, body: bytes)
        do {
            let action = operation(of: request)
            var parameters: [String: String] = [:]
            if action == "AssumeRole", let verifier {
                parameters = try verifier.verify(received, now: now).parameters
            } else {
                for (name, value) in received.query + received.form where parameters[name] == nil { parameters[name] = value }
            }
            return try assume(action, parameters, now: now)
        } catch {
            return render(error)
        }
    }

    private func assume(_ action: String, _ parameters: [String: String], now: Date) throws(ECSError) -> EmulatorResponse {
        func required(_ name: String) throws(ECSError) -> String {
            guard let value = parameters[name], !value.isEmpty else { throw .missingParameter(name) }
            return value
        }
        let roleArn = try required("RoleArn")
        guard roleArn.hasPrefix("acs:ram::"), roleArn.contains(":role/") else {
            throw ECSError(code: "InvalidParameter.RoleArn", message: "The parameter RoleArn is wrongly formed.", httpStatus: 400)
        }
        if action == "AssumeRoleWithOIDC" {
            _ = try required("OIDCProviderArn")
            _ = try required("OIDCToken")
        }
        let session = try action == "AssumeRole" ? required("RoleSessionName") : (parameters["RoleSessionName"] ?? "oidc")
        let duration = Double(parameters["DurationSeconds"] ?? "3600") ?? -1
        guard (900...43_200).contains(duration) else {
            throw ECSError(code: "InvalidParameter.DurationSeconds",
                           message: "The Min/Max value of DurationSeconds is 15min/12hr.", httpStatus: 400)
        }
        let key = control.keyring.issue(lifetime: control.settings.lifetimeSeconds ?? duration, now: now, issuer: action)
        let answer = AssumeRoleAnswer(
            RequestId: ECSResourceIds.requestId(),
            AssumedRoleUser: .init(Arn: roleArn.replacingOccurrences(of: ":role/", with: ":assumed-role/") + "/" + session,
                                   AssumedRoleId: "300000000000000001:\(session)"),
            Credentials: .init(AccessKeyId: key.id, AccessKeySecret: key.secret, SecurityToken: key.securityToken ?? "",
                               Expiration: ECSTimestamp.format(key.expiration ?? now)))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Self.response(.ok, body: Array((try? encoder.encode(answer)) ?? Data()), requestId: answer.RequestId)
    }

    private func render(_ error: any Error) -> EmulatorResponse {
        var error = error as? ECSError ?? ECSError(code: "InternalError", message: "\(error)", httpStatus: 500)
        error.requestId = ECSResourceIds.requestId()
        error.hostId = error.hostId ?? "sts.aliyuncs.com"
        error.recommend = error.recommend ?? "https://api.aliyun.com/troubleshoot?q=\(error.code)&product=Sts"
        return Self.response(HTTPResponseStatus(statusCode: error.httpStatus), body: error.jsonBody(), requestId: error.requestId)
    }

    private static func response(_ status: HTTPResponseStatus, body: [UInt8], requestId: String) -> EmulatorResponse {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json;charset=utf-8")
        headers.add(name: "x-acs-request-id", value: requestId)
        return EmulatorResponse(status: status, headers: headers, body: .buffer(ByteBuffer(bytes: body)))
    }
}

/// STS's answer to AssumeRole and AssumeRoleWithOIDC, field names as on the wire.
private struct AssumeRoleAnswer: Encodable {
    struct User: Encodable { var Arn: String; var AssumedRoleId: String }
    struct Keys: Encodable { var AccessKeyId: String; var AccessKeySecret: String; var SecurityToken: String; var Expiration: String }
    var RequestId: String
    var AssumedRoleUser: User
    var Credentials: Keys
}

/// How the emulated STS issues credentials; changed at run time over `POST /_hoist/admin/sts/settings`.
public struct STSEmulatorSettings: Codable, Sendable, Equatable {
    /// Seconds issued credentials last, whatever `DurationSeconds` asked (tests use a few
    /// seconds); nil honours `DurationSeconds` (900 to 43200, default 3600).
    public var lifetimeSeconds: Double?

    public init(lifetimeSeconds: Double? = nil) {
        self.lifetimeSeconds = lifetimeSeconds
    }
}
