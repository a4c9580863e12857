/// Why no credentials could be had. Each message names the source and what to change; none
/// carries a secret, a token or a signature.
public enum CredentialError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No source in the chain is configured; `skipped` says why each configured-looking one was passed over.
    case notFound(skipped: [String])
    /// A source is half configured (an id without a secret, a role without a token file).
    case incomplete(source: String, missing: String)
    /// A file holding secrets can be read by other users.
    case insecureFile(path: String, mode: UInt16)
    /// A file or setting could not be understood.
    case malformed(source: String, detail: String)
    /// A source that must be asked (STS, the metadata service, a credentials URI) did not answer usefully.
    case fetchFailed(source: String, detail: String)

    public var description: String {
        switch self {
        case let .notFound(skipped):
            "no credentials: set \(CredentialChain.idVariable) and \(CredentialChain.secretVariable) "
                + "(and \(CredentialChain.tokenVariable) for STS), provide systemd credentials, an OIDC role "
                + "(ALIBABA_CLOUD_ROLE_ARN, ALIBABA_CLOUD_OIDC_PROVIDER_ARN, ALIBABA_CLOUD_OIDC_TOKEN_FILE), an aliyun "
                + "CLI profile, ~/.alibabacloud/credentials, an ECS instance RAM role or ALIBABA_CLOUD_CREDENTIALS_URI"
                + (skipped.isEmpty ? "" : " (passed over: " + skipped.joined(separator: "; ") + ")")
        case let .incomplete(source, missing):
            "incomplete credentials in \(source): \(missing) is missing"
        case let .insecureFile(path, mode):
            "\(path) holds secrets but other users may access it (mode \(String(mode, radix: 8))): run `chmod 600 \(path)`"
        case let .malformed(source, detail):
            "cannot use \(source): \(detail)"
        case let .fetchFailed(source, detail):
            "cannot get credentials from \(source): \(detail)"
        }
    }
}
