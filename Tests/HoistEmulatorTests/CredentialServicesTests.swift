import Foundation
import HoistCore
import HoistEmulator
import Testing

/// The credential chain's network steps against the emulator's STS and metadata service, and
/// OSS and ECS refusing expired temporary credentials with their real codes.
@Suite(.timeLimit(.minutes(2))) struct CredentialServicesTests {
    static let caller = OSSAccessKey(id: "LTAIcallerKeyId", secret: "caller-secret-0123456789")
    static let role = "acs:ram::1234567890123456:role/hoist-uploader"

    /// An emulator with STS and a metadata service, a temporary home, and one transport.
    struct Rig {
        let server: EmulatorServer
        let transport: Transport
        let home: String

        static func with(metadata: MetadataSettings = MetadataSettings(), _ body: (Rig) async throws -> Void) async throws {
            let server = try await EmulatorServer.start(EmulatorConfig(buckets: ["images"], accessKeys: [caller],
                                                                       eventLoopThreads: 1, metadata: metadata))
            let home = URL(fileURLWithPath: NSTemporaryDirectory()).resolvingSymlinksInPath().path + "/hoist-cred-\(UUID().uuidString.prefix(8))"
            try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
            let rig = Rig(server: server, transport: try Transport(), home: home)
            defer { try? FileManager.default.removeItem(atPath: home) }
            do { try await body(rig) } catch { rig.transport.shutdown(); try await server.shutdown(); throw error }
            rig.transport.shutdown()
            try await server.shutdown()
        }

        /// `HOME` here, STS and the metadata service at the emulator, nothing else configured.
        func environment(_ extra: [String: String] = [:]) -> [String: String] {
            ["HOME": home, "HOIST_STS_ENDPOINT": server.baseURL, "HOIST_ECS_METADATA_ENDPOINT": server.metadataBaseURL!]
                .merging(extra) { _, new in new }
        }

        @discardableResult
        func write(_ relative: String, _ text: String) throws -> String {
            let path = home + "/" + relative
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
            return path
        }

        func chain(_ extra: [String: String] = [:]) -> CredentialChain {
            CredentialChain(environment: environment(extra), transport: transport)
        }

        func oss(_ source: RefreshingCredentials) -> OSSClient {
            OSSClient(endpoint: OSSEndpoint(scheme: "http", host: "127.0.0.1", port: server.port, addressing: .pathStyle),
                      signer: OSSRequestSigner(version: .v4, region: "cn-hangzhou"), transport: transport, credentials: source)
        }

        func ecs(_ source: RefreshingCredentials) -> ECSClient {
            ECSClient(configuration: .init(regionId: "cn-hangzhou", endpoint: ECSEndpoint(url: server.baseURL)!, validator: nil),
                      credentials: source, transport: transport)
        }

        func responses(_ operation: String, _ status: Int) -> Int {
            server.counters.snapshot().responses(operation, status: status)
        }

        /// Every secret and token the emulator has issued or was given.
        var secrets: [String] {
            server.sts.keyring.issued().compactMap { server.sts.keyring.key($0.accessKeyId) }
                .flatMap { [$0.secret, $0.securityToken ?? $0.secret] } + [caller.secret]
        }
    }

    static func ramRoleArnProfile(secret: String = caller.secret) -> String {
        """
        {"current": "default", "profiles": [{"name": "default", "mode": "RamRoleArn", "access_key_id": "\(caller.id)",
          "access_key_secret": "\(secret)", "ram_role_arn": "\(role)", "ram_session_name": "build-42"}]}
        """
    }

    @Test func theInstanceRoleComesFromTheMetadataServiceWithAnIMDSv2Token() async throws {
        try await Rig.with(metadata: MetadataSettings(roleName: "BuildHostRole", requireToken: true, lifetimeSeconds: 3600)) { rig in
            let (credentials, source) = try await rig.chain().resolve()
            #expect(source == "ECS instance RAM role (metadata service)")
            #expect(credentials.accessKeyId.hasPrefix("STS."))
            #expect(credentials.securityToken != nil)
            let expiration = try #require(credentials.expiration)
            #expect(abs(expiration.timeIntervalSinceNow - 3600) < 60)
            #expect(rig.responses("MetadataToken", 200) == 1)
            #expect(rig.responses("MetadataRole", 200) == 1)
            #expect(rig.responses("MetadataCredentials", 200) == 1)
            // The emulator's OSS accepts what its metadata service issued.
            let source2 = RefreshingCredentials(provider: StaticCredentialProvider(credentials, source: source))
            _ = try await rig.oss(source2).putObject(bucket: "images", key: "a", body: .bytes([1, 2, 3]))
            // A named role skips the listing.
            _ = try await rig.chain(["ALIBABA_CLOUD_ECS_METADATA": "BuildHostRole"]).resolve()
            #expect(rig.responses("MetadataRole", 200) == 1)
            #expect(rig.responses("MetadataCredentials", 200) == 2)
        }
    }

    @Test func withoutATokenTheClientFallsBackToV1UnlessV1IsDisabled() async throws {
        try await Rig.with { rig in
            rig.server.faults.addError(ErrorFault(operation: "MetadataToken", count: 2, status: 403, code: "Forbidden"))
            // Fallback: the token PUT fails, the tokenless reads work.
            let fallback = try await rig.chain(["ALIBABA_CLOUD_ECS_METADATA": "HoistEmulatorRole"]).resolve()
            #expect(fallback.credentials.accessKeyId.hasPrefix("STS."))
            #expect(rig.responses("MetadataCredentials", 200) == 1)
            // IMDSv1 disabled: the token PUT fails again, and no tokenless read is made.
            let error = await #expect(throws: CredentialError.self) {
                try await rig.chain(["ALIBABA_CLOUD_ECS_METADATA": "HoistEmulatorRole", "ALIBABA_CLOUD_IMDSV1_DISABLED": "true"]).resolve()
            }
            #expect(error?.description.contains("ALIBABA_CLOUD_IMDSV1_DISABLED=true forbids") == true)
            #expect(rig.server.counters.snapshot().requests["MetadataCredentials"] == 1)
        }
        try await Rig.with(metadata: MetadataSettings(requireToken: true)) { rig in
            // A service that requires tokens refuses a client that could not get one.
            rig.server.faults.addError(ErrorFault(operation: "MetadataToken", count: 1, status: 500, code: "Broken"))
            let error = await #expect(throws: CredentialError.self) {
                try await rig.chain(["ALIBABA_CLOUD_ECS_METADATA": "HoistEmulatorRole"]).resolve()
            }
            #expect(error?.description.contains("HTTP 401") == true)
        }
    }

    @Test func aRamRoleArnProfileAssumesTheRoleThroughSTS() async throws {
        try await Rig.with { rig in
            try rig.write(".aliyun/config.json", Self.ramRoleArnProfile())
            let source = RefreshingCredentials(chain: rig.chain())
            let credentials = try await source.credentials()
            #expect(await source.source == "aliyun CLI profile 'default' (RamRoleArn)")
            #expect(credentials.accessKeyId.hasPrefix("STS.") && credentials.expiration != nil)
            #expect(rig.responses("AssumeRole", 200) == 1)
            // Both services accept the assumed role's credentials.
            _ = try await rig.oss(source).putObject(bucket: "images", key: "b", body: .bytes([4]))
            _ = try await rig.ecs(source).describeImages(DescribeImagesQuery())
            #expect(rig.server.sts.keyring.issued().map(\.issuer) == ["AssumeRole"])
        }
    }

    @Test func anINIRamRoleArnSectionAssumesTheRoleToo() async throws {
        try await Rig.with { rig in
            try rig.write(".alibabacloud/credentials", """
                [default]
                type = ram_role_arn
                access_key_id = \(Self.caller.id)
                access_key_secret = \(Self.caller.secret)
                role_arn = \(Self.role)
                role_session_name = nightly
                """)
            let (credentials, source) = try await rig.chain().resolve()
            #expect(source == "credentials file \(rig.home)/.alibabacloud/credentials [default] (ram_role_arn)")
            #expect(credentials.accessKeyId.hasPrefix("STS."))
        }
    }

    @Test func aRefusedAssumeRoleSaysWhyWithoutTheSecret() async throws {
        try await Rig.with { rig in
            try rig.write(".aliyun/config.json", Self.ramRoleArnProfile(secret: "wrong-secret-value"))
            let error = await #expect(throws: CredentialError.self) { try await rig.chain().resolve() }
            let text = error?.description ?? ""
            #expect(text.contains("SignatureDoesNotMatch"), "\(text)")
            #expect(!text.contains("wrong-secret-value"))
        }
    }

    @Test func anOIDCTokenFileAssumesTheRoleWithAssumeRoleWithOIDC() async throws {
        try await Rig.with { rig in
            let tokenFile = try rig.write("token", "eyJhbGciOiJSUzI1NiJ9.payload.signature\n")
            let (credentials, source) = try await rig.chain([
                "ALIBABA_CLOUD_ROLE_ARN": Self.role, "ALIBABA_CLOUD_OIDC_PROVIDER_ARN": "acs:ram::1234567890123456:oidc-provider/ack",
                "ALIBABA_CLOUD_OIDC_TOKEN_FILE": tokenFile, "ALIBABA_CLOUD_ROLE_SESSION_NAME": "pod-7",
            ]).resolve()
            #expect(source == "OIDC role \(Self.role)")
            #expect(credentials.accessKeyId.hasPrefix("STS."))
            #expect(rig.responses("AssumeRoleWithOIDC", 200) == 1)
            #expect(!source.contains("payload"))
        }
    }

    @Test func expiredCredentialsAreRefusedWithEachServicesRealCode() async throws {
        try await Rig.with { rig in
            let key = OSSAccessKey(id: "STS.expired", secret: "expired-secret", securityToken: "expired-token",
                                   expiration: Date().addingTimeInterval(-1))
            rig.server.sts.keyring.add(key)
            let credentials = Credentials(accessKeyId: key.id, accessKeySecret: key.secret, securityToken: key.securityToken)
            let fixed = RefreshingCredentials(provider: StaticCredentialProvider(credentials, source: "test"))
            let oss = await #expect(throws: OSSError.self) {
                try await rig.oss(fixed).putObject(bucket: "images", key: "c", body: .bytes([5]))
            }
            #expect(oss?.code == "SecurityTokenExpired" && oss?.httpStatus == 403)
            #expect(oss?.message == "The security token you provided has expired.")
            let ecs = await #expect(throws: ECSError.self) { try await rig.ecs(fixed).describeImages(DescribeImagesQuery()) }
            #expect(ecs?.code == "InvalidSecurityToken.Expired")
        }
    }

    @Test func aRequestRefusedAsExpiredIsSentOnceMoreWithRenewedCredentials() async throws {
        try await Rig.with { rig in
            try rig.write(".aliyun/config.json", Self.ramRoleArnProfile())
            let source = RefreshingCredentials(chain: rig.chain())
            let oss = rig.oss(source), ecs = rig.ecs(source)
            _ = try await oss.putObject(bucket: "images", key: "d", body: .bytes([6]))
            // STS's credentials end early (the client still believes they last an hour).
            rig.server.sts.keyring.expire(try await source.credentials().accessKeyId, at: Date())
            _ = try await oss.putObject(bucket: "images", key: "d", body: .bytes([7]))
            #expect(rig.responses("PutObject", 403) == 1)
            #expect(rig.responses("PutObject", 200) == 2)
            rig.server.sts.keyring.expire(try await source.credentials().accessKeyId, at: Date())
            _ = try await ecs.describeImages(DescribeImagesQuery())
            #expect(rig.responses("DescribeImages", 400) == 1)
            #expect(rig.responses("DescribeImages", 200) == 1)
            #expect(rig.responses("AssumeRole", 200) == 3)
            // A long-lived key refused as unknown is not "expired": no renewal, the error stands.
            let stranger = RefreshingCredentials(provider: StaticCredentialProvider(
                Credentials(accessKeyId: "LTAIunknown", accessKeySecret: "x"), source: "test"))
            await #expect(throws: OSSError.self) { try await rig.oss(stranger).putObject(bucket: "images", key: "e", body: .bytes([8])) }
            #expect(rig.responses("PutObject", 403) == 2)
        }
    }
}
