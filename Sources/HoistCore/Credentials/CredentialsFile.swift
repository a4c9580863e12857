import Foundation

/// Step 5: the SDKs' INI credentials file: `ALIBABA_CLOUD_CREDENTIALS_FILE`, else
/// `~/.alibabacloud/credentials`, else `~/.alibabacloud/credentials.ini` (the Go and Python SDKs
/// disagree on the name; both are read). The section is `ALIBABA_CLOUD_PROFILE`, else `default`.
///
/// Types: `access_key` (`access_key_id`, `access_key_secret`), `ecs_ram_role` (`role_name`),
/// `ram_role_arn` (`access_key_id`, `access_key_secret`, `role_arn`, `role_session_name`,
/// optional `policy`).
enum CredentialsFile {
    static let fileVariable = "ALIBABA_CLOUD_CREDENTIALS_FILE"

    static func lookup(_ settings: CredentialSettings) throws(CredentialError) -> CredentialLookup {
        let candidates = settings.value(fileVariable).map { [settings.expand($0)] }
            ?? [settings.home + "/.alibabacloud/credentials", settings.home + "/.alibabacloud/credentials.ini"]
        for path in candidates {
            let fileSource = "the credentials file \(path)"
            guard let text = try SecretFile.read(path, source: fileSource) else { continue }
            let sections: [String: [String: String]]
            do {
                sections = try INIText.parse(text)
            } catch {
                throw .malformed(source: fileSource, detail: "line \(error.line) is not `[section]`, `key = value` or a comment")
            }
            let name = settings.value(CLIProfileCredentials.profileVariable) ?? "default"
            guard let section = sections[name] else { return .skip("\(fileSource) has no section [\(name)]") }
            return .use(try provider(section, name: name, path: path, settings: settings))
        }
        return .absent
    }

    private static func provider(_ section: [String: String], name: String, path: String,
                                 settings: CredentialSettings) throws(CredentialError) -> any CredentialProvider {
        let type = section["type"] ?? "access_key"
        let source = "credentials file \(path) [\(name)] (\(type))"
        func required(_ key: String) throws(CredentialError) -> String {
            guard let value = section[key], !value.isEmpty else { throw .incomplete(source: source, missing: key) }
            return value
        }
        switch type {
        case "access_key":
            return StaticCredentialProvider(Credentials(accessKeyId: try required("access_key_id"),
                                                        accessKeySecret: try required("access_key_secret")), source: source)
        case "ecs_ram_role":
            return ECSMetadataProvider.make(settings, roleName: try required("role_name"))
        case "ram_role_arn":
            let key = Credentials(accessKeyId: try required("access_key_id"), accessKeySecret: try required("access_key_secret"))
            let endpoint = try settings.stsEndpoint(region: nil, vpc: false, source: source)
            return RamRoleArnProvider(caller: StaticCredentialProvider(key, source: source), roleArn: try required("role_arn"),
                                      sessionName: try required("role_session_name"), durationSeconds: 3600,
                                      policy: section["policy"].flatMap { $0.isEmpty ? nil : $0 }, externalId: nil,
                                      sts: STSClient(endpoint: endpoint, transport: settings.transport, source: source))
        default:
            throw .malformed(source: source, detail: "type \(type) is not supported; use access_key, ecs_ram_role or ram_role_arn")
        }
    }
}

/// The INI dialect of the credentials file: `[section]`, `key = value` (quotes around a value
/// are dropped), blank lines and `#` or `;` comments.
enum INIText {
    struct SyntaxError: Error { var line: Int }

    static func parse(_ text: String) throws(SyntaxError) -> [String: [String: String]] {
        var sections: [String: [String: String]] = [:]
        var current: String?
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("["), line.hasSuffix("]") {
                let name = line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                current = name
                if sections[name] == nil { sections[name] = [:] }
                continue
            }
            guard let current, let equals = line.firstIndex(of: "=") else { throw SyntaxError(line: index + 1) }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            sections[current]?[key] = value
        }
        return sections
    }
}
