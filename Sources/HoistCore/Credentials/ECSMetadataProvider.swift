/// Step 6: the ECS instance RAM role, from the instance metadata service, IMDSv2 first.
///
/// Each fetch asks for a session token (`PUT /latest/api/token` with
/// `X-aliyun-ecs-metadata-token-ttl-seconds`), then reads the role name (unless
/// `ALIBABA_CLOUD_ECS_METADATA` names it) and the role's credentials with
/// `X-aliyun-ecs-metadata-token`. Without a token it falls back to tokenless (v1) reads, unless
/// `ALIBABA_CLOUD_IMDSV1_DISABLED=true` forbids that. `ALIBABA_CLOUD_ECS_METADATA_DISABLED=true`
/// removes the step. The base URL is `http://100.100.100.200`; `HOIST_ECS_METADATA_ENDPOINT`
/// points tests at a local server.
struct ECSMetadataProvider: CredentialProvider {
    static let defaultEndpoint = "http://100.100.100.200"
    static let endpointVariable = "HOIST_ECS_METADATA_ENDPOINT"
    static let roleVariable = "ALIBABA_CLOUD_ECS_METADATA"
    static let v1DisabledVariable = "ALIBABA_CLOUD_IMDSV1_DISABLED"
    static let tokenTTLSeconds = 21_600
    static let credentialsPath = "/latest/meta-data/ram/security-credentials/"

    let baseURL: String
    let roleName: String?
    let v1Disabled: Bool
    let transport: Transport

    var source: String {
        "ECS instance RAM role" + (roleName.map { " '\($0)'" } ?? "") + " (metadata service)"
    }

    static func lookup(_ settings: CredentialSettings) throws(CredentialError) -> CredentialLookup {
        if settings.flag("ALIBABA_CLOUD_ECS_METADATA_DISABLED") { return .absent }
        let provider = make(settings, roleName: nil)
        // A named role is a statement that this is an instance with that role: its failure is an error.
        return provider.roleName == nil ? .probe(provider) : .use(provider)
    }

    /// The provider for `roleName`, else `ALIBABA_CLOUD_ECS_METADATA`'s role, else the one the service lists.
    static func make(_ settings: CredentialSettings, roleName: String?) -> ECSMetadataProvider {
        var base = settings.value(endpointVariable) ?? defaultEndpoint
        while base.hasSuffix("/") { base.removeLast() }
        return ECSMetadataProvider(baseURL: base, roleName: roleName ?? settings.value(roleVariable),
                                   v1Disabled: settings.flag(v1DisabledVariable), transport: settings.transport)
    }

    func fetch() async throws(CredentialError) -> Credentials {
        let token = try await sessionToken()
        let role: String
        if let roleName {
            role = roleName
        } else {
            role = try await get(Self.credentialsPath, token: token).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !role.isEmpty, !role.contains("\n") else {
                throw .fetchFailed(source: source, detail: "the instance has no RAM role, or several; attach one "
                                   + "or name it with \(Self.roleVariable)")
            }
        }
        let body = try await get(Self.credentialsPath + PercentEncoding.encode(role), token: token)
        return try TemporaryCredentialsJSON.flat(Array(body.utf8), source: source, what: "the metadata service for role '\(role)'")
    }

    /// An IMDSv2 session token; nil when the service refuses one and tokenless reads are allowed.
    /// A service that does not answer at all (not an ECS instance) fails at once: a tokenless
    /// read would only wait out the same timeout again.
    private func sessionToken() async throws(CredentialError) -> String? {
        let request = HTTPRequest(method: "PUT", url: baseURL + "/latest/api/token",
                                  headers: [("X-aliyun-ecs-metadata-token-ttl-seconds", String(Self.tokenTTLSeconds))],
                                  timeout: 3)
        let response: HTTPResponse
        do {
            response = try await transport.send(request)
        } catch {
            throw .fetchFailed(source: source, detail: "the metadata service at \(baseURL) is unreachable (\(error))")
        }
        if response.status == 200, let token = String(validating: response.body, as: UTF8.self), !token.isEmpty {
            return token
        }
        guard !v1Disabled else {
            throw .fetchFailed(source: source, detail: "the metadata service at \(baseURL) answered HTTP \(response.status) "
                               + "when asked for an IMDSv2 token, and \(Self.v1DisabledVariable)=true forbids reading without one")
        }
        return nil
    }

    private func get(_ path: String, token: String?) async throws(CredentialError) -> String {
        let headers = token.map { [("X-aliyun-ecs-metadata-token", $0)] } ?? []
        let response: HTTPResponse
        do {
            response = try await transport.send(HTTPRequest(method: "GET", url: baseURL + path, headers: headers, timeout: 3))
        } catch {
            throw .fetchFailed(source: source, detail: "the metadata service at \(baseURL) is unreachable (\(error))")
        }
        guard response.status == 200 else {
            throw .fetchFailed(source: source, detail: "the metadata service answered HTTP \(response.status) for \(path)")
        }
        return String(decoding: response.body, as: UTF8.self)
    }
}
