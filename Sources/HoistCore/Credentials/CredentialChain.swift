import Foundation

/// Where credentials come from, in the order the official SDKs walk it (`aliyun/credentials-go`
/// `providers/default.go`, `credentials-python`), with Hoist's systemd step second:
///
/// 1. the environment: `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET`, and
///    `ALIBABA_CLOUD_SECURITY_TOKEN` for STS;
/// 2. systemd credentials in `$CREDENTIALS_DIRECTORY` (`access-key-id`, `access-key-secret`,
///    `security-token`), so a daemon's secret is in neither its unit file nor its environment;
/// 3. OIDC / RRSA: STS `AssumeRoleWithOIDC` (`OIDCRoleProvider`);
/// 4. the aliyun CLI's profile (`CLIProfileCredentials`);
/// 5. the credentials INI file (`CredentialsFile`);
/// 6. the ECS instance RAM role from the metadata service (`ECSMetadataProvider`);
/// 7. `ALIBABA_CLOUD_CREDENTIALS_URI` (`CredentialsURIProvider`).
///
/// The first configured step wins. A half-configured or unsafe one (an id without a secret, a
/// secrets file other users can read) is an error naming the fix, never a silent fall-through
/// to another identity. Only the metadata service is probed: on a machine that is not an ECS
/// instance it does not answer, and the walk goes on.
public struct CredentialChain: Sendable {
    public var environment: [String: String]
    /// For the steps that ask a server (STS, metadata, URI); nil makes one when needed.
    public var transport: Transport?

    public init(environment: [String: String] = ProcessInfo.processInfo.environment, transport: Transport? = nil) {
        self.environment = environment
        self.transport = transport
    }

    public static let idVariable = "ALIBABA_CLOUD_ACCESS_KEY_ID"
    public static let secretVariable = "ALIBABA_CLOUD_ACCESS_KEY_SECRET"
    public static let tokenVariable = "ALIBABA_CLOUD_SECURITY_TOKEN"

    /// The first configured source's credentials and its description (for `hoist doctor`;
    /// never the secret). Temporary credentials carry their `expiration`.
    public func resolve() async throws(CredentialError) -> (credentials: Credentials, source: String) {
        let (provider, credentials) = try await locate()
        return (credentials, provider.source)
    }

    /// The winning provider, already asked once, so `RefreshingCredentials` can ask it again.
    public func locate() async throws(CredentialError) -> (provider: any CredentialProvider, credentials: Credentials) {
        let settings = CredentialSettings(environment: environment, transport: try makeTransport())
        var skipped: [String] = []
        for step in CredentialStep.allCases {
            switch try step.lookup(settings) {
            case .absent:
                continue
            case .skip(let reason):
                skipped.append(reason)
            case .use(let provider):
                return (provider, try await provider.fetch())
            case .probe(let provider):
                do {
                    return (provider, try await provider.fetch())
                } catch {
                    skipped.append(error.description)
                }
            }
        }
        throw .notFound(skipped: skipped)
    }

    private func makeTransport() throws(CredentialError) -> Transport {
        if let transport { return transport }
        do {
            var options = TransportOptions()
            options.connectTimeout = 2
            return try Transport(options: options)
        } catch {
            throw .fetchFailed(source: "the HTTP transport", detail: String(describing: error))
        }
    }
}

/// The chain's steps, in order.
enum CredentialStep: CaseIterable {
    case environment, systemd, oidc, cliProfile, file, ecsMetadata, uri

    func lookup(_ settings: CredentialSettings) throws(CredentialError) -> CredentialLookup {
        switch self {
        case .environment: try EnvironmentCredentials.lookup(settings)
        case .systemd: try SystemdCredentials.lookup(settings)
        case .oidc: try OIDCRoleProvider.lookup(settings)
        case .cliProfile: try CLIProfileCredentials.lookup(settings)
        case .file: try CredentialsFile.lookup(settings)
        case .ecsMetadata: try ECSMetadataProvider.lookup(settings)
        case .uri: try CredentialsURIProvider.lookup(settings)
        }
    }
}

/// What one step of the chain found.
enum CredentialLookup {
    /// Not configured at all: go on.
    case absent
    /// Configured-looking but not usable here (a profile the file lacks): go on, and say so if nothing else works.
    case skip(String)
    /// Configured: use it, and its errors are the chain's.
    case use(any CredentialProvider)
    /// Maybe available (the metadata service): use it if it answers, otherwise go on.
    case probe(any CredentialProvider)
}

/// What the chain's steps read: the environment, the home directory and the transport.
struct CredentialSettings: Sendable {
    let environment: [String: String]
    let transport: Transport

    /// A variable's trimmed value; empty counts as unset.
    func value(_ name: String) -> String? {
        guard let text = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else {
            return nil
        }
        return text
    }

    /// A boolean variable as the SDKs read it: only `true` (any case) is true.
    func flag(_ name: String) -> Bool { value(name)?.lowercased() == "true" }

    /// `$HOME`, else the account's home directory.
    var home: String { value("HOME") ?? NSHomeDirectory() }

    /// `path` with a leading `~/` made absolute.
    func expand(_ path: String) -> String {
        path.hasPrefix("~/") ? home + String(path.dropFirst(1)) : path
    }

    /// The STS endpoint the RAM-role steps call: `HOIST_STS_ENDPOINT` (tests, proxies), else
    /// `sts[-vpc].REGION.aliyuncs.com` for the given or `ALIBABA_CLOUD_STS_REGION` region, else
    /// the global `sts.aliyuncs.com`, as the SDKs derive it.
    func stsEndpoint(region: String?, vpc: Bool, source: String) throws(CredentialError) -> ECSEndpoint {
        if let text = value("HOIST_STS_ENDPOINT") {
            guard let endpoint = ECSEndpoint(url: text) else {
                throw .malformed(source: "HOIST_STS_ENDPOINT", detail: "\(text) is not an http(s)://host[:port] URL")
            }
            return endpoint
        }
        let prefix = (vpc || flag("ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED")) ? "sts-vpc" : "sts"
        if let region = region ?? value("ALIBABA_CLOUD_STS_REGION") {
            return ECSEndpoint(host: "\(prefix).\(region).aliyuncs.com")
        }
        return ECSEndpoint(host: "sts.aliyuncs.com")
    }

    /// The role session name: `ALIBABA_CLOUD_ROLE_SESSION_NAME`, else one naming this tool and process.
    var roleSessionName: String {
        value("ALIBABA_CLOUD_ROLE_SESSION_NAME") ?? "hoist-\(ProcessInfo.processInfo.processIdentifier)"
    }
}
