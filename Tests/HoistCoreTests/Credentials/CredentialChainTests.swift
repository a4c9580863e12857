import Foundation
import HoistCore
import Testing

/// The offline steps of the credential chain (environment, systemd, the aliyun CLI profile, the
/// INI file) and their order, each from files written 0600 into a temporary home.
@Suite struct CredentialChainTests {
    static let cliConfig = """
    {"current": "ci", "profiles": [
      {"name": "default", "mode": "AK", "access_key_id": "LTAIdefault", "access_key_secret": "default-secret"},
      {"name": "ci", "mode": "AK", "access_key_id": "LTAIci", "access_key_secret": "ci-secret-value"},
      {"name": "sts", "mode": "StsToken", "access_key_id": "STS.cli", "access_key_secret": "sts-secret", "sts_token": "cli-token"},
      {"name": "odd", "mode": "ChainableRamRoleArn", "access_key_id": "x", "access_key_secret": "y"}
    ]}
    """

    static let ini = """
    # comment
    [default]
    type = access_key
    access_key_id = LTAIini
    access_key_secret = "ini-secret-value"

    [other]
    type = access_key
    access_key_id = LTAIother
    access_key_secret = other-secret
    """

    @Test func theEnvironmentComesFirstAndItsTokenIsKept() async throws {
        try await withCredentialHome { home in
            try home.write(".aliyun/config.json", Self.cliConfig)
            let (credentials, source) = try await home.resolve([
                "ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAIid", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "s3cr3t-value",
                "ALIBABA_CLOUD_SECURITY_TOKEN": "tok-value",
            ])
            #expect(credentials == Credentials(accessKeyId: "LTAIid", accessKeySecret: "s3cr3t-value", securityToken: "tok-value"))
            #expect(source == "environment")
            #expect(!credentials.description.contains("s3cr3t-value"))
            #expect(!credentials.description.contains("tok-value"))
        }
    }

    @Test func aHalfConfiguredSourceNamesWhatIsMissingButNoValue() async throws {
        try await withCredentialHome { home in
            await #expect(throws: CredentialError.incomplete(source: "the environment", missing: "ALIBABA_CLOUD_ACCESS_KEY_SECRET")) {
                try await home.resolve(["ALIBABA_CLOUD_ACCESS_KEY_ID": "id"])
            }
            let error = await #expect(throws: CredentialError.self) {
                try await home.resolve(["ALIBABA_CLOUD_ACCESS_KEY_SECRET": "very-secret"])
            }
            #expect(error == .incomplete(source: "the environment", missing: "ALIBABA_CLOUD_ACCESS_KEY_ID"))
            #expect(error?.description.contains("very-secret") == false)
            let none = await #expect(throws: CredentialError.self) { try await home.resolve() }
            #expect(none == .notFound(skipped: []))
            #expect(none?.description.contains("ALIBABA_CLOUD_ACCESS_KEY_ID") == true)
        }
    }

    @Test func systemdCredentialsComeSecondAfterTheEnvironment() async throws {
        try await withCredentialHome { home in
            try home.write("creds/access-key-id", "file-id\n")
            try home.write("creds/access-key-secret", "file-secret\n")
            try home.write(".aliyun/config.json", Self.cliConfig)
            let directory = home.path + "/creds"
            let fromFiles = try await home.resolve(["CREDENTIALS_DIRECTORY": directory])
            #expect(fromFiles.credentials == Credentials(accessKeyId: "file-id", accessKeySecret: "file-secret"))
            #expect(fromFiles.source == "systemd credentials")
            let fromEnv = try await home.resolve(["CREDENTIALS_DIRECTORY": directory, "ALIBABA_CLOUD_ACCESS_KEY_ID": "env-id",
                                                  "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "env-secret"])
            #expect(fromEnv.credentials.accessKeyId == "env-id")
        }
    }

    @Test func theCLIProfileIsTheCurrentOneUnlessTheEnvironmentNamesAnother() async throws {
        try await withCredentialHome { home in
            try home.write(".aliyun/config.json", Self.cliConfig)
            try home.write(".alibabacloud/credentials", Self.ini)
            let current = try await home.resolve()
            #expect(current.credentials == Credentials(accessKeyId: "LTAIci", accessKeySecret: "ci-secret-value"))
            #expect(current.source == "aliyun CLI profile 'ci' (AK)")
            let sts = try await home.resolve(["ALIBABA_CLOUD_PROFILE": "sts"])
            #expect(sts.credentials == Credentials(accessKeyId: "STS.cli", accessKeySecret: "sts-secret", securityToken: "cli-token"))
            #expect(sts.source == "aliyun CLI profile 'sts' (StsToken)")
            #expect(!sts.source.contains("cli-token") && !sts.source.contains("sts-secret"))
        }
    }

    @Test func aDisabledOrProfilelessCLIConfigFallsThroughToTheINIFile() async throws {
        try await withCredentialHome { home in
            try home.write(".aliyun/config.json", Self.cliConfig)
            try home.write(".alibabacloud/credentials", Self.ini)
            let disabled = try await home.resolve(["ALIBABA_CLOUD_CLI_PROFILE_DISABLED": "true"])
            #expect(disabled.credentials == Credentials(accessKeyId: "LTAIini", accessKeySecret: "ini-secret-value"))
            #expect(disabled.source == "credentials file \(home.path)/.alibabacloud/credentials [default] (access_key)")
            // The CLI config has no profile "other"; the INI file does.
            let other = try await home.resolve(["ALIBABA_CLOUD_PROFILE": "other"])
            #expect(other.credentials.accessKeyId == "LTAIother")
        }
    }

    @Test func theINIFileMayBeNamedCredentialsIniOrChosenByTheEnvironment() async throws {
        try await withCredentialHome { home in
            try home.write(".alibabacloud/credentials.ini", Self.ini)
            #expect(try await home.resolve().credentials.accessKeyId == "LTAIini")
            let chosen = try home.write("elsewhere/creds", Self.ini.replacingOccurrences(of: "LTAIini", with: "LTAIchosen"))
            #expect(try await home.resolve(["ALIBABA_CLOUD_CREDENTIALS_FILE": chosen]).credentials.accessKeyId == "LTAIchosen")
        }
    }

    @Test func aSecretFileOthersCanReadIsRefusedWithTheChmodThatFixesIt() async throws {
        try await withCredentialHome { home in
            let config = try home.write(".aliyun/config.json", Self.cliConfig, mode: 0o644)
            let error = await #expect(throws: CredentialError.self) { try await home.resolve() }
            #expect(error == .insecureFile(path: config, mode: 0o644))
            #expect(error?.description.contains("chmod 600 \(config)") == true)
            #expect(error?.description.contains("ci-secret-value") == false)

            try FileManager.default.removeItem(atPath: config)
            let ini = try home.write(".alibabacloud/credentials", Self.ini, mode: 0o640)
            let iniError = await #expect(throws: CredentialError.self) { try await home.resolve() }
            #expect(iniError?.description.contains("chmod 600 \(ini)") == true)
        }
    }

    @Test func unsupportedModesAndTypesAreErrorsNamingTheSupportedOnes() async throws {
        try await withCredentialHome { home in
            try home.write(".aliyun/config.json", Self.cliConfig)
            let mode = await #expect(throws: CredentialError.self) { try await home.resolve(["ALIBABA_CLOUD_PROFILE": "odd"]) }
            #expect(mode?.description.contains("use AK, StsToken, RamRoleArn or EcsRamRole") == true)

            try home.write(".alibabacloud/credentials", "[default]\ntype = bearer\n")
            let type = await #expect(throws: CredentialError.self) {
                try await home.resolve(["ALIBABA_CLOUD_CLI_PROFILE_DISABLED": "true"])
            }
            #expect(type?.description.contains("use access_key, ecs_ram_role or ram_role_arn") == true)
        }
    }

    @Test func anOIDCTokenFileWithoutItsRoleIsIncompleteNotIgnored() async throws {
        try await withCredentialHome { home in
            try home.write(".aliyun/config.json", Self.cliConfig)
            await #expect(throws: CredentialError.incomplete(source: "OIDC role (ALIBABA_CLOUD_OIDC_TOKEN_FILE)",
                                                              missing: "ALIBABA_CLOUD_ROLE_ARN")) {
                try await home.resolve(["ALIBABA_CLOUD_OIDC_TOKEN_FILE": home.path + "/token",
                                        "ALIBABA_CLOUD_OIDC_PROVIDER_ARN": "acs:ram::1:oidc-provider/ack"])
            }
        }
    }
}
