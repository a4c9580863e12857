import Foundation

/// Where the access key comes from, in order (the first complete source wins):
///
/// 1. the environment: `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET`, and
///    optionally `ALIBABA_CLOUD_SECURITY_TOKEN` for STS credentials, the names the official
///    Alibaba Cloud SDKs and CLI read;
/// 2. systemd credentials (`LoadCredential=` puts them in `$CREDENTIALS_DIRECTORY`): files
///    `access-key-id`, `access-key-secret` and optionally `security-token`, so the daemon's
///    secret never sits in the unit file or the environment of other processes.
///
/// A half-configured source (an id without a secret) is an error naming what is missing,
/// rather than a silent fall-through to another identity.
public struct CredentialChain: Sendable {
    public var environment: [String: String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    public static let idVariable = "ALIBABA_CLOUD_ACCESS_KEY_ID"
    public static let secretVariable = "ALIBABA_CLOUD_ACCESS_KEY_SECRET"
    public static let tokenVariable = "ALIBABA_CLOUD_SECURITY_TOKEN"

    /// The credentials and a short name of their source (for `hoist doctor`; never the secret).
    public func resolve() throws(CredentialError) -> (credentials: Credentials, source: String) {
        let id = value(Self.idVariable)
        let secret = value(Self.secretVariable)
        if id != nil || secret != nil {
            guard let id else { throw .incomplete(source: "the environment", missing: Self.idVariable) }
            guard let secret else { throw .incomplete(source: "the environment", missing: Self.secretVariable) }
            return (Credentials(accessKeyId: id, accessKeySecret: secret, securityToken: value(Self.tokenVariable)),
                    "environment")
        }
        if let directory = value("CREDENTIALS_DIRECTORY") {
            let id = Self.read(directory + "/access-key-id")
            let secret = Self.read(directory + "/access-key-secret")
            if id != nil || secret != nil {
                let source = "systemd credentials in \(directory)"
                guard let id else { throw .incomplete(source: source, missing: "access-key-id") }
                guard let secret else { throw .incomplete(source: source, missing: "access-key-secret") }
                return (Credentials(accessKeyId: id, accessKeySecret: secret,
                                    securityToken: Self.read(directory + "/security-token")), "systemd credentials")
            }
        }
        throw .none
    }

    private func value(_ name: String) -> String? {
        guard let text = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else {
            return nil
        }
        return text
    }

    private static func read(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path),
              let text = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
              !text.isEmpty else { return nil }
        return text
    }
}

/// No usable access key; the message names what to set, never a value.
public enum CredentialError: Error, Sendable, Equatable, CustomStringConvertible {
    case none
    case incomplete(source: String, missing: String)

    public var description: String {
        switch self {
        case .none:
            "no credentials: set \(CredentialChain.idVariable) and \(CredentialChain.secretVariable) "
                + "(and \(CredentialChain.tokenVariable) for STS), or provide systemd credentials"
        case let .incomplete(source, missing):
            "incomplete credentials in \(source): \(missing) is missing"
        }
    }
}
