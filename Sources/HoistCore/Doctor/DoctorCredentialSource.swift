import Foundation

/// The one place `hoist doctor` asks where the credentials come from. It mirrors
/// `RuntimeSettings.credentials()` (given credentials first, then the chain) and adds what only
/// doctor shows: the source's name and, for temporary credentials, their expiry. Kept apart so a
/// richer credential chain changes this function and nothing else.
enum DoctorCredentialSource {
    struct Found: Sendable {
        var credentials: Credentials
        /// A short name of the source (`environment`, `systemd credentials`); never a value.
        var source: String
        /// When temporary credentials stop working; nil when long-term or not known.
        var expiration: Date?
    }

    static func resolve(_ settings: RuntimeSettings) throws(CredentialError) -> Found {
        if let given = settings.options.credentials {
            return Found(credentials: given, source: "given by the caller", expiration: nil)
        }
        let found = try CredentialChain(environment: settings.options.environment).resolve()
        return Found(credentials: found.credentials, source: found.source, expiration: nil)
    }
}
