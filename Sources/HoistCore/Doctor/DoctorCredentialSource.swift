import Foundation

/// The one place `hoist doctor` asks where the credentials come from: the runtime's own
/// `RefreshingCredentials` over the full chain (the given credentials first), plus what only
/// doctor shows: the source's name and, for temporary credentials, their expiry.
enum DoctorCredentialSource {
    struct Found: Sendable {
        var credentials: Credentials
        /// A short name of the source (`environment`, `aliyun CLI profile …`); never a value.
        var source: String
        /// When temporary credentials stop working; nil when long-term or not known.
        var expiration: Date?
    }

    /// `transport` carries the STS, metadata or URI requests temporary credentials need.
    static func resolve(_ settings: RuntimeSettings, transport: Transport?) async throws(CredentialError) -> Found {
        let source = settings.credentialSource(transport: transport)
        let credentials = try await source.credentials()
        return Found(credentials: credentials, source: await source.source ?? "unknown source",
                     expiration: credentials.expiration)
    }
}
