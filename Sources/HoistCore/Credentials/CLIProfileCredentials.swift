import Foundation

/// Step 4: a profile of the aliyun CLI's `~/.aliyun/config.json` (`ALIBABA_CLOUD_CONFIG_FILE`
/// names another file). The profile is `ALIBABA_CLOUD_PROFILE`, else the file's `current`, else
/// `default`; `ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true` removes the step.
///
/// Modes: `AK` (an access key), `StsToken` (a key with its token), `RamRoleArn` (STS
/// `AssumeRole` with the profile's key), `EcsRamRole` (the instance's RAM role). A profile the
/// file lacks is passed over, as the SDKs do; a mode Hoist does not know is an error.
enum CLIProfileCredentials {
    static let fileVariable = "ALIBABA_CLOUD_CONFIG_FILE"
    static let profileVariable = "ALIBABA_CLOUD_PROFILE"
    static let disabledVariable = "ALIBABA_CLOUD_CLI_PROFILE_DISABLED"

    struct Profile: Decodable {
        var name: String?
        var mode: String?
        var access_key_id: String?
        var access_key_secret: String?
        var sts_token: String?
        var ram_role_arn: String?
        var ram_session_name: String?
        var expired_seconds: Int?
        var sts_region: String?
        var enable_vpc: Bool?
        var ram_role_name: String?
        var policy: String?
        var external_id: String?
    }

    struct Configuration: Decodable {
        var current: String?
        var profiles: [Profile]?
    }

    static func lookup(_ settings: CredentialSettings) throws(CredentialError) -> CredentialLookup {
        if settings.flag(disabledVariable) { return .absent }
        let path = settings.value(fileVariable).map(settings.expand) ?? settings.home + "/.aliyun/config.json"
        let fileSource = "the aliyun CLI config \(path)"
        guard let text = try SecretFile.read(path, source: fileSource) else { return .absent }
        let configuration: Configuration
        do {
            configuration = try JSONDecoder().decode(Configuration.self, from: Data(text.utf8))
        } catch {
            throw .malformed(source: fileSource, detail: "it is not the CLI's JSON configuration")
        }
        let name = settings.value(profileVariable) ?? configuration.current.flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        guard let profile = configuration.profiles?.first(where: { $0.name == name }) else {
            return .skip("\(fileSource) has no profile '\(name)'")
        }
        return .use(try provider(profile, name: name, settings: settings))
    }

    private static func provider(_ p: Profile, name: String, settings: CredentialSettings) throws(CredentialError) -> any CredentialProvider {
        let mode = p.mode ?? "AK"
        let source = "aliyun CLI profile '\(name)' (\(mode))"
        func required(_ value: String?, _ field: String) throws(CredentialError) -> String {
            guard let value, !value.isEmpty else { throw .incomplete(source: source, missing: field) }
            return value
        }
        switch mode {
        case "AK":
            let key = Credentials(accessKeyId: try required(p.access_key_id, "access_key_id"),
                                  accessKeySecret: try required(p.access_key_secret, "access_key_secret"))
            return StaticCredentialProvider(key, source: source)
        case "StsToken":
            let key = Credentials(accessKeyId: try required(p.access_key_id, "access_key_id"),
                                  accessKeySecret: try required(p.access_key_secret, "access_key_secret"),
                                  securityToken: try required(p.sts_token, "sts_token"))
            return StaticCredentialProvider(key, source: source)
        case "RamRoleArn":
            let key = Credentials(accessKeyId: try required(p.access_key_id, "access_key_id"),
                                  accessKeySecret: try required(p.access_key_secret, "access_key_secret"))
            let endpoint = try settings.stsEndpoint(region: p.sts_region.flatMap { $0.isEmpty ? nil : $0 },
                                                    vpc: p.enable_vpc ?? false, source: source)
            return RamRoleArnProvider(caller: StaticCredentialProvider(key, source: source),
                                      roleArn: try required(p.ram_role_arn, "ram_role_arn"),
                                      sessionName: p.ram_session_name.flatMap { $0.isEmpty ? nil : $0 } ?? settings.roleSessionName,
                                      durationSeconds: (p.expired_seconds ?? 0) > 0 ? p.expired_seconds! : 3600,
                                      policy: p.policy.flatMap { $0.isEmpty ? nil : $0 },
                                      externalId: p.external_id.flatMap { $0.isEmpty ? nil : $0 },
                                      sts: STSClient(endpoint: endpoint, transport: settings.transport, source: source))
        case "EcsRamRole":
            return ECSMetadataProvider.make(settings, roleName: p.ram_role_name.flatMap { $0.isEmpty ? nil : $0 })
        default:
            throw .malformed(source: source, detail: "mode \(mode) is not supported; use AK, StsToken, RamRoleArn or EcsRamRole")
        }
    }
}
