import Foundation

/// Step 2: systemd credentials (`LoadCredential=` puts files in `$CREDENTIALS_DIRECTORY`):
/// `access-key-id`, `access-key-secret` and optionally `security-token`. systemd makes these
/// files readable by the service alone, so their mode is not checked here.
enum SystemdCredentials {
    static func lookup(_ settings: CredentialSettings) throws(CredentialError) -> CredentialLookup {
        guard let directory = settings.value("CREDENTIALS_DIRECTORY") else { return .absent }
        let id = read(directory + "/access-key-id")
        let secret = read(directory + "/access-key-secret")
        guard id != nil || secret != nil else { return .absent }
        let source = "systemd credentials in \(directory)"
        guard let id else { throw .incomplete(source: source, missing: "access-key-id") }
        guard let secret else { throw .incomplete(source: source, missing: "access-key-secret") }
        let credentials = Credentials(accessKeyId: id, accessKeySecret: secret, securityToken: read(directory + "/security-token"))
        return .use(StaticCredentialProvider(credentials, source: "systemd credentials"))
    }

    private static func read(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path),
              let text = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
              !text.isEmpty else { return nil }
        return text
    }
}
