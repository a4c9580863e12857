import Foundation

/// The two STS calls the RAM-role steps need, over the shared `Transport`.
///
/// `AssumeRole` is an RPC call signed exactly like ECS (`ECSRequestSigner` with STS's API
/// version); `AssumeRoleWithOIDC` is anonymous, as in the SDKs: the OIDC token is the proof.
/// Errors carry STS's code and message, never the token, the secret or a signature.
struct STSClient: Sendable {
    static let version = "2015-04-01"

    let endpoint: ECSEndpoint
    let transport: Transport
    /// For error messages: the step asking, e.g. `aliyun CLI profile 'ci' (RamRoleArn)`.
    let source: String

    /// Temporary credentials for `roleArn`, asked for with `caller`'s key.
    func assumeRole(caller: Credentials, roleArn: String, sessionName: String, durationSeconds: Int = 3600,
                    policy: String? = nil, externalId: String? = nil) async throws(CredentialError) -> Credentials {
        var parameters: [(name: String, value: String)] = [
            ("RoleArn", roleArn), ("RoleSessionName", sessionName), ("DurationSeconds", String(durationSeconds)),
        ]
        if let policy { parameters.append(("Policy", policy)) }
        if let externalId { parameters.append(("ExternalId", externalId)) }
        let signer = ECSRequestSigner(endpoint: endpoint, version: Self.version, userAgent: TransportOptions.defaultUserAgent)
        let request = signer.sign(action: "AssumeRole", parameters: parameters, credentials: caller, date: Date(),
                                  nonce: UUID().uuidString.lowercased(), timeout: 30)
        return try await send(request, action: "AssumeRole")
    }

    /// Temporary credentials for `roleArn`, proven by the OIDC `token` of `providerArn`.
    func assumeRoleWithOIDC(roleArn: String, providerArn: String, token: String, sessionName: String,
                            durationSeconds: Int = 3600) async throws(CredentialError) -> Credentials {
        let query: [(String, String)] = [("Action", "AssumeRoleWithOIDC"), ("Format", "JSON"), ("Version", Self.version),
                                         ("Timestamp", ECSTimestamp.format(Date()))]
        let form: [(String, String)] = [("RoleArn", roleArn), ("OIDCProviderArn", providerArn), ("OIDCToken", token),
                                        ("RoleSessionName", sessionName), ("DurationSeconds", String(durationSeconds))]
        func encoded(_ pairs: [(String, String)]) -> String {
            pairs.map { PercentEncoding.encode($0.0) + "=" + PercentEncoding.encode($0.1) }.joined(separator: "&")
        }
        let request = HTTPRequest(method: "POST", url: endpoint.baseURL + "?" + encoded(query),
                                  headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")],
                                  body: .bytes(Array(encoded(form).utf8)), timeout: 30)
        return try await send(request, action: "AssumeRoleWithOIDC")
    }

    private func send(_ request: HTTPRequest, action: String) async throws(CredentialError) -> Credentials {
        let response: HTTPResponse
        do {
            response = try await transport.send(request)
        } catch {
            throw .fetchFailed(source: source, detail: "STS \(action) at \(endpoint) failed: \(error)")
        }
        guard (200..<300).contains(response.status) else {
            let error = ECSError(response: response)
            throw .fetchFailed(source: source, detail: "STS \(action) refused: \(error.code) (HTTP \(response.status)): \(error.message)")
        }
        return try TemporaryCredentialsJSON.wrapped(response.body, source: source, what: "STS \(action)")
    }
}

/// The JSON that carries temporary credentials: STS wraps them (`{"Credentials": {...}}`); the
/// metadata service and a credentials URI answer the flat object. Field names are the services'.
enum TemporaryCredentialsJSON {
    struct Fields: Decodable {
        var AccessKeyId: String?
        var AccessKeySecret: String?
        var SecurityToken: String?
        var Expiration: String?
        /// The metadata service's `Success`.
        var Code: String?
    }

    private struct Wrapped: Decodable {
        var Credentials: Fields?
    }

    static func wrapped(_ body: [UInt8], source: String, what: String) throws(CredentialError) -> Credentials {
        guard let document = try? JSONDecoder().decode(Wrapped.self, from: Data(body)), let fields = document.Credentials else {
            throw .fetchFailed(source: source, detail: "\(what) answered without credentials")
        }
        return try credentials(fields, source: source, what: what)
    }

    static func flat(_ body: [UInt8], source: String, what: String) throws(CredentialError) -> Credentials {
        guard let fields = try? JSONDecoder().decode(Fields.self, from: Data(body)) else {
            throw .fetchFailed(source: source, detail: "\(what) answered something that is not JSON credentials")
        }
        if let code = fields.Code, code != "Success" {
            throw .fetchFailed(source: source, detail: "\(what) answered Code \(code)")
        }
        return try credentials(fields, source: source, what: what)
    }

    /// Insists on id, secret and token; parses `Expiration` when present.
    private static func credentials(_ fields: Fields, source: String, what: String) throws(CredentialError) -> Credentials {
        guard let id = fields.AccessKeyId, let secret = fields.AccessKeySecret, let token = fields.SecurityToken,
              !id.isEmpty, !secret.isEmpty, !token.isEmpty else {
            throw .fetchFailed(source: source, detail: "\(what) answered without AccessKeyId, AccessKeySecret and SecurityToken")
        }
        var expiration: Date?
        if let text = fields.Expiration {
            guard let date = ECSTimestamp.parse(text) else {
                throw .fetchFailed(source: source, detail: "\(what) answered an unreadable Expiration \(text)")
            }
            expiration = date
        }
        return Credentials(accessKeyId: id, accessKeySecret: secret, securityToken: token, expiration: expiration)
    }
}
