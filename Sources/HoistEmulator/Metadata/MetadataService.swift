import Foundation
import HoistCore
import NIOCore
import NIOHTTP1

/// The ECS instance metadata service, the part RAM-role credentials need, on its own port (as
/// the real one is its own host, `100.100.100.200`):
///
/// - `PUT /latest/api/token` with `X-aliyun-ecs-metadata-token-ttl-seconds` (1 to 21600) → an
///   IMDSv2 session token, as text;
/// - `GET /latest/meta-data/ram/security-credentials/` → the instance's role name;
/// - `GET /latest/meta-data/ram/security-credentials/<role>` → `{"AccessKeyId", "AccessKeySecret",
///   "SecurityToken", "Expiration", "LastUpdated", "Code": "Success"}`.
///
/// GETs carry the token in `X-aliyun-ecs-metadata-token`; an unknown or expired one is 401.
/// Without a token they are answered (IMDSv1) unless `requireToken` is set, then 401 as well.
/// Like the real service it hands out the same credentials until less than half their lifetime
/// is left, then new ones, which the keyring accepts alongside the old until each expires.
struct MetadataService: EmulatorService {
    static let credentialsPath = "/latest/meta-data/ram/security-credentials/"

    let keyring: EmulatorKeyring
    let settings: MetadataSettings
    private let tokens = Locked<[String: Date]>([:])
    private let current = Locked<OSSAccessKey?>(nil)

    init(keyring: EmulatorKeyring, settings: MetadataSettings) {
        self.keyring = keyring
        self.settings = settings
    }

    func claims(_ request: EmulatorRequest) -> Bool { true }

    func operation(of request: EmulatorRequest) -> String {
        if request.path == "/latest/api/token" { return "MetadataToken" }
        return request.path == Self.credentialsPath ? "MetadataRole" : "MetadataCredentials"
    }

    func injectedFailure(_ fault: ErrorFault, request: EmulatorRequest, now: Date) -> EmulatorResponse {
        .text(HTTPResponseStatus(statusCode: fault.status), fault.message ?? fault.code, contentType: "text/plain")
    }

    func respond(to request: EmulatorRequest, body: RequestBody, now: Date) async throws -> EmulatorResponse {
        if request.path == "/latest/api/token" {
            guard request.method == .PUT else { return .text(.methodNotAllowed, "use PUT", contentType: "text/plain") }
            guard let ttl = request.header("X-aliyun-ecs-metadata-token-ttl-seconds").flatMap(Int.init),
                  (1...21_600).contains(ttl) else {
                return .text(.badRequest, "X-aliyun-ecs-metadata-token-ttl-seconds must be 1 to 21600", contentType: "text/plain")
            }
            let token = UUID().uuidString + UUID().uuidString
            tokens.withLock { $0[token] = now.addingTimeInterval(Double(ttl)) }
            return .text(.ok, token, contentType: "text/plain")
        }
        guard request.method == .GET else { return .text(.methodNotAllowed, "use GET", contentType: "text/plain") }
        if let token = request.header("X-aliyun-ecs-metadata-token") {
            guard let expiry = tokens.withLock({ $0[token] }), now < expiry else {
                return .text(.unauthorized, "the metadata token is unknown or expired", contentType: "text/plain")
            }
        } else if settings.requireToken {
            return .text(.unauthorized, "a metadata token is required (IMDSv2 only)", contentType: "text/plain")
        }
        guard request.path.hasPrefix(Self.credentialsPath) else { return .text(.notFound, "not found", contentType: "text/plain") }
        let role = String(request.path.dropFirst(Self.credentialsPath.count))
        if role.isEmpty { return .text(.ok, settings.roleName, contentType: "text/plain") }
        guard role == settings.roleName else { return .text(.notFound, "no such role", contentType: "text/plain") }
        let key = credentials(now: now)
        let answer: [String: String] = [
            "AccessKeyId": key.id, "AccessKeySecret": key.secret, "SecurityToken": key.securityToken ?? "",
            "Expiration": ECSTimestamp.format(key.expiration ?? now), "LastUpdated": ECSTimestamp.format(now), "Code": "Success",
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(answer)) ?? Data()
        return .text(.ok, String(decoding: data, as: UTF8.self), contentType: "application/json")
    }

    /// The role's credentials now, new ones once less than half the lifetime is left. The
    /// keyring's copy decides, so credentials a test expired early are replaced at once.
    private func credentials(now: Date) -> OSSAccessKey {
        current.withLock { current in
            if let id = current?.id, let key = keyring.key(id), let expiration = key.expiration,
               expiration.timeIntervalSince(now) > settings.lifetimeSeconds / 2 {
                return key
            }
            let key = keyring.issue(lifetime: settings.lifetimeSeconds, now: now, issuer: "metadata")
            current = key
            return key
        }
    }
}

/// The emulated metadata service: off unless `EmulatorConfig.metadata` is set.
public struct MetadataSettings: Sendable, Equatable {
    /// 0 picks a free port; read the chosen one from `EmulatorServer.metadataBaseURL`.
    public var port: Int
    /// The instance's RAM role.
    public var roleName: String
    /// Refuse tokenless (IMDSv1) reads, as an instance configured for IMDSv2 only does.
    public var requireToken: Bool
    /// Seconds the role's credentials last (the real service: hours; tests: seconds).
    public var lifetimeSeconds: Double

    public init(port: Int = 0, roleName: String = "HoistEmulatorRole", requireToken: Bool = false,
                lifetimeSeconds: Double = 21_600) {
        self.port = port
        self.roleName = roleName
        self.requireToken = requireToken
        self.lifetimeSeconds = lifetimeSeconds
    }
}
