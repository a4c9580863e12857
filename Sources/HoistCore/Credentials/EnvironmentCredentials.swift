/// Step 1: `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET` and optionally
/// `ALIBABA_CLOUD_SECURITY_TOKEN`, the names the official SDKs and CLI read.
enum EnvironmentCredentials {
    static let source = "environment"

    static func lookup(_ settings: CredentialSettings) throws(CredentialError) -> CredentialLookup {
        let id = settings.value(CredentialChain.idVariable)
        let secret = settings.value(CredentialChain.secretVariable)
        guard id != nil || secret != nil else { return .absent }
        guard let id else { throw .incomplete(source: "the environment", missing: CredentialChain.idVariable) }
        guard let secret else { throw .incomplete(source: "the environment", missing: CredentialChain.secretVariable) }
        let credentials = Credentials(accessKeyId: id, accessKeySecret: secret,
                                      securityToken: settings.value(CredentialChain.tokenVariable))
        return .use(StaticCredentialProvider(credentials, source: source))
    }
}
