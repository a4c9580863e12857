/// One place credentials come from (the environment, a file, STS, the ECS metadata service).
///
/// `fetch` is called once when the chain picks the provider and again by `RefreshingCredentials`
/// each time temporary credentials near their expiry, so a provider re-reads or re-asks on every
/// call and keeps no cache of its own. Errors name the source and what to fix, never a secret.
public protocol CredentialProvider: Sendable {
    /// What `hoist doctor` shows, e.g. `aliyun CLI profile 'ci' (RamRoleArn)`; never a secret.
    var source: String { get }

    func fetch() async throws(CredentialError) -> Credentials
}

/// Credentials known up front: the environment, systemd credentials, a file's access key, or
/// what a caller (the demo, a test) hands in.
public struct StaticCredentialProvider: CredentialProvider {
    public let credentials: Credentials
    public let source: String

    public init(_ credentials: Credentials, source: String) {
        self.credentials = credentials
        self.source = source
    }

    public func fetch() async throws(CredentialError) -> Credentials { credentials }
}
