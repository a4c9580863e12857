/// Step 7: `ALIBABA_CLOUD_CREDENTIALS_URI`, a local HTTP service that answers
/// `{"AccessKeyId", "AccessKeySecret", "SecurityToken", "Expiration"}` to a GET, asked again on
/// every refresh.
struct CredentialsURIProvider: CredentialProvider {
    static let variable = "ALIBABA_CLOUD_CREDENTIALS_URI"

    let url: String
    let transport: Transport

    var source: String { "credentials URI (\(Self.variable))" }

    static func lookup(_ settings: CredentialSettings) throws(CredentialError) -> CredentialLookup {
        guard let url = settings.value(variable) else { return .absent }
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw .malformed(source: variable, detail: "it must be an http:// or https:// URL")
        }
        return .use(CredentialsURIProvider(url: url, transport: settings.transport))
    }

    func fetch() async throws(CredentialError) -> Credentials {
        let response: HTTPResponse
        do {
            response = try await transport.send(HTTPRequest(method: "GET", url: url, timeout: 10))
        } catch {
            throw .fetchFailed(source: source, detail: "the credentials URI is unreachable (\(error))")
        }
        guard response.status == 200 else {
            throw .fetchFailed(source: source, detail: "the credentials URI answered HTTP \(response.status)")
        }
        return try TemporaryCredentialsJSON.flat(response.body, source: source, what: "the credentials URI")
    }
}
