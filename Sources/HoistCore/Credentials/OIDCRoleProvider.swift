import Foundation

/// Step 3, OIDC / RRSA (ACK pods): STS `AssumeRoleWithOIDC` with the token in
/// `ALIBABA_CLOUD_OIDC_TOKEN_FILE` for the role `ALIBABA_CLOUD_ROLE_ARN` of the identity provider
/// `ALIBABA_CLOUD_OIDC_PROVIDER_ARN`; `ALIBABA_CLOUD_ROLE_SESSION_NAME`, `ALIBABA_CLOUD_STS_REGION`
/// and `ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED` shape the call as in the SDKs.
///
/// The token file is read on every fetch: the kubelet rotates it, and an old token may be refused.
struct OIDCRoleProvider: CredentialProvider {
    static let roleVariable = "ALIBABA_CLOUD_ROLE_ARN"
    static let providerVariable = "ALIBABA_CLOUD_OIDC_PROVIDER_ARN"
    static let tokenFileVariable = "ALIBABA_CLOUD_OIDC_TOKEN_FILE"

    let roleArn: String
    let providerArn: String
    let tokenFile: String
    let sessionName: String
    let sts: STSClient

    var source: String { sts.source }

    static func lookup(_ settings: CredentialSettings) throws(CredentialError) -> CredentialLookup {
        let role = settings.value(roleVariable)
        let provider = settings.value(providerVariable)
        let file = settings.value(tokenFileVariable)
        // The role ARN alone also configures the SDKs' plain RamRoleArn provider, so only the
        // OIDC-specific variables make this step claim the environment.
        guard provider != nil || file != nil else { return .absent }
        let source = "OIDC role (\(tokenFileVariable))"
        guard let role else { throw .incomplete(source: source, missing: roleVariable) }
        guard let provider else { throw .incomplete(source: source, missing: providerVariable) }
        guard let file else { throw .incomplete(source: source, missing: tokenFileVariable) }
        let endpoint = try settings.stsEndpoint(region: nil, vpc: false, source: source)
        let sts = STSClient(endpoint: endpoint, transport: settings.transport, source: "OIDC role \(role)")
        return .use(OIDCRoleProvider(roleArn: role, providerArn: provider, tokenFile: settings.expand(file),
                                     sessionName: settings.roleSessionName, sts: sts))
    }

    func fetch() async throws(CredentialError) -> Credentials {
        guard let data = FileManager.default.contents(atPath: tokenFile),
              let token = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
              !token.isEmpty else {
            throw .fetchFailed(source: source, detail: "cannot read the OIDC token file \(tokenFile)")
        }
        return try await sts.assumeRoleWithOIDC(roleArn: roleArn, providerArn: providerArn, token: token,
                                                sessionName: sessionName)
    }
}
