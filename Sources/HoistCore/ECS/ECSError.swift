import Foundation

/// An error answered by the ECS RPC API: its JSON body (`Code`, `Message`, `RequestId`,
/// `HostId`, `Recommend`) plus the HTTP status.
///
/// One type serves both sides: the client decodes it from responses, and the emulator builds it
/// (see `ECSError+Catalogue.swift`) and encodes it, so both agree on the wire format.
public struct ECSError: Error, Sendable, Equatable, Codable, CustomStringConvertible {
    public var code: String
    public var message: String
    public var requestId: String
    public var hostId: String?
    public var recommend: String?
    public var httpStatus: Int

    public init(code: String, message: String, httpStatus: Int, requestId: String = "", hostId: String? = nil, recommend: String? = nil) {
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
        self.requestId = requestId
        self.hostId = hostId
        self.recommend = recommend
    }

    enum CodingKeys: String, CodingKey {
        case code = "Code", message = "Message", requestId = "RequestId", hostId = "HostId", recommend = "Recommend"
    }

    /// The status is not part of the body; decoding leaves it 0 for `init(response:)` to fill.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        code = try c.decodeIfPresent(String.self, forKey: .code) ?? "UnknownError"
        message = try c.decodeIfPresent(String.self, forKey: .message) ?? ""
        requestId = try c.decodeIfPresent(String.self, forKey: .requestId) ?? ""
        hostId = try c.decodeIfPresent(String.self, forKey: .hostId)
        recommend = try c.decodeIfPresent(String.self, forKey: .recommend)
        httpStatus = 0
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(requestId, forKey: .requestId)
        try c.encodeIfPresent(hostId, forKey: .hostId)
        try c.encode(code, forKey: .code)
        try c.encode(message, forKey: .message)
        try c.encodeIfPresent(recommend, forKey: .recommend)
    }

    /// Reads an error response. A body that is not the JSON error document (a proxy's HTML page,
    /// an empty 502) still yields an error carrying the status, with code `UnknownError`.
    public init(response: HTTPResponse) {
        if let decoded = try? JSONDecoder().decode(ECSError.self, from: Data(response.body)), decoded.code != "UnknownError" || !decoded.message.isEmpty {
            self = decoded
        } else {
            let text = String(decoding: response.body.prefix(200), as: UTF8.self)
            self.init(code: "UnknownError", message: "HTTP \(response.status): \(text)", httpStatus: response.status)
        }
        httpStatus = response.status
        if requestId.isEmpty, let id = response.header("x-acs-request-id") { requestId = id }
    }

    /// The JSON body an ECS server sends for this error.
    public func jsonBody() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array((try? encoder.encode(self)) ?? Data())
    }

    /// Worth retrying with the same parameters (and the same `ClientToken`): server-side
    /// failures and throttling. Every other 4xx is the caller's mistake and will not heal.
    public var isRetryable: Bool {
        if httpStatus >= 500 { return true }
        if code.hasPrefix("Throttling") { return true }
        return ["ServiceUnavailable", "InternalError", "UnknownError"].contains(code)
    }

    /// ECS refused the call's STS token as expired (`InvalidSecurityToken.Expired`, the code of the
    /// ECS error table): renewing the credentials and signing again fixes it.
    public var isExpiredCredentials: Bool { code == "InvalidSecurityToken.Expired" }

    /// The account has not authorised ECS to read OSS. Matched on a case-insensitive prefix
    /// because the live spelling varies between `…ServiceAcount` and `…ServiceAccount`.
    public var isMissingImportRole: Bool {
        code.lowercased().hasPrefix("nosetroletoecsserviceac")
    }

    /// One sentence a person can act on. For the missing RAM role it says what to create.
    public var actionableMessage: String {
        if isMissingImportRole {
            return "ECS is not authorised to read your OSS bucket: the account owner must create the RAM role "
                + "\(ECSError.importRoleName) (trusted service ecs.aliyuncs.com) and attach the policy "
                + "AliyunECSImageImportRolePolicy to it, for example with the one-click authorisation in the ECS "
                + "console's Import Image page, then retry the import (\(code))."
        }
        return "\(code): \(message)"
    }

    /// The role ImportImage assumes unless `RoleName` names another.
    public static let importRoleName = "AliyunECSImageImportDefaultRole"

    public var description: String {
        "ECSError(\(httpStatus) \(code): \(message)\(requestId.isEmpty ? "" : ", RequestId \(requestId)"))"
    }
}
