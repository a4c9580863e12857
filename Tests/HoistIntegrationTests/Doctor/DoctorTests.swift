import Foundation
import HoistCore
import HoistEmulator
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `hoist doctor` run as a child process against the emulator (OSS and ECS on one port, strict
/// signatures): every check passes on a healthy setup, and each mistake made on purpose fails
/// exactly the check that names it, with its fix, without printing a secret.
@Suite struct DoctorTests {
    /// The checks a healthy emulator setup passes (the agent is not configured: skipped).
    static let coreChecks = ["config", "settings", "credentials", "proxy", "tls.ca", "oss.endpoint", "clock",
                             "oss.auth", "oss.bucket", "ecs.api", "ecs.import", "state"]

    func arguments(_ s: UploadScenario, bucket: String? = nil, _ extra: [String] = []) -> [String] {
        ["doctor", "--endpoint", s.server.baseURL, "--ecs-endpoint", s.server.baseURL, "--region", "cn-hangzhou",
         "--bucket", bucket ?? s.bucket, "--state-dir", s.stateDirectory, "--config", s.directory + "/hoist.toml",
         "--timeout", "30"] + extra
    }

    /// The `--json` document's checks by id.
    func checks(_ run: HoistRun) throws -> [String: [String: Any]] {
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any],
                                    "\(run.output)")
        let list = try #require(document["checks"] as? [[String: Any]])
        return Dictionary(list.map { ($0["id"] as? String ?? "", $0) }, uniquingKeysWith: { first, _ in first })
    }

    func status(_ checks: [String: [String: Any]], _ id: String) -> String? { checks[id]?["status"] as? String }

    func privateStateDirectory(_ s: UploadScenario) {
        #expect(chmod(s.stateDirectory, 0o700) == 0)
    }

    @Test func everyCheckPassesAgainstTheEmulator() async throws {
        try await withScenario { s in
            privateStateDirectory(s)
            let run = try await s.run(arguments(s))
            #expect(run.exitCode == 0, "\(run.output)")
            #expect(!run.stdout.contains("✗"), "\(run.stdout)")
            for title in ["config", "credentials", "OSS endpoint", "clock", "bucket", "ECS API", "ImportImage",
                          "state directory"] {
                #expect(run.stdout.contains("✓ \(title)"), "\(title): \(run.stdout)")
            }
            #expect(run.stdout.contains("- agent"), "\(run.stdout)")
            #expect(run.stdout.contains("plain http on loopback"), "\(run.stdout)")
            // The write probe left nothing behind; the import was only a dry run.
            #expect(s.server.uploads().isEmpty)
            #expect(s.server.ecs.counters().dryRuns + s.server.ecs.counters().importsRejected == 1)
            #expect(s.server.ecs.counters().imagesCreated == 0)
            let requests = s.server.counters.snapshot().requests
            #expect(requests["InitiateMultipartUpload"] == 1 && requests["AbortMultipartUpload"] == 1, "\(requests)")
        }
    }

    @Test func jsonHasOneEntryPerCheckWithAFixOnlyWhereSomethingFailed() async throws {
        try await withScenario { s in
            privateStateDirectory(s)
            let run = try await s.run(arguments(s, ["--json"]))
            #expect(run.exitCode == 0, "\(run.output)")
            let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            #expect(document["ok"] as? Bool == true)
            let counts = try #require(document["counts"] as? [String: Int])
            #expect(Set(counts.keys) == ["pass", "warn", "fail", "skip"])
            #expect(counts["fail"] == 0 && counts["skip"] == 1, "\(counts)")
            let checks = try checks(run)
            for id in Self.coreChecks {
                #expect(status(checks, id) == "pass", "\(id): \(checks[id] ?? [:])")
                #expect(checks[id]?["fix"] == nil, "\(id)")
                #expect((checks[id]?["title"] as? String)?.isEmpty == false)
                #expect((checks[id]?["detail"] as? String)?.isEmpty == false)
            }
            #expect(status(checks, "agent") == "skip")
            #expect(run.stdout.split(separator: "\n").count == 1, "one JSON document")
        }
    }

    @Test func aWrongSecretFailsTheSignatureCheckWithItsFix() async throws {
        try await withScenario { s in
            privateStateDirectory(s)
            var environment = s.environment
            environment["ALIBABA_CLOUD_ACCESS_KEY_SECRET"] = "not-the-secret-5e6f"
            let run = try await s.run(arguments(s, ["--json"]), environment: environment)
            #expect(run.exitCode == 1, "\(run.output)")
            let checks = try checks(run)
            #expect(status(checks, "credentials") == "pass")
            #expect(status(checks, "oss.auth") == "fail")
            #expect((checks["oss.auth"]?["detail"] as? String)?.contains("SignatureDoesNotMatch") == true, "\(checks)")
            #expect((checks["oss.auth"]?["fix"] as? String)?.contains("ALIBABA_CLOUD_ACCESS_KEY_SECRET") == true)
            #expect(status(checks, "oss.bucket") == "skip")
            #expect(status(checks, "ecs.api") == "fail")
            #expect(status(checks, "ecs.import") == "skip")
            #expect(!run.output.contains("not-the-secret-5e6f"))
            #expect(!run.output.contains(UploadScenario.accessKey.secret))
        }
    }

    @Test func aMissingBucketFailsTheBucketCheck() async throws {
        try await withScenario { s in
            privateStateDirectory(s)
            let run = try await s.run(arguments(s, bucket: "no-such-bucket", ["--json"]))
            #expect(run.exitCode == 1, "\(run.output)")
            let checks = try checks(run)
            #expect(status(checks, "oss.auth") == "pass", "\(checks["oss.auth"] ?? [:])")
            #expect(status(checks, "oss.bucket") == "fail")
            #expect((checks["oss.bucket"]?["fix"] as? String)?.contains("ossutil mb oss://no-such-bucket") == true,
                    "\(checks["oss.bucket"] ?? [:])")
            #expect(status(checks, "ecs.import") == "skip")
            #expect(s.server.ecs.counters().importImageCalls == 0)
        }
    }

    @Test func aMissingImportRoleFailsTheImportCheckWithTheRoleToCreate() async throws {
        try await withScenario { s in
            privateStateDirectory(s)
            s.server.ecs.setImportRoleMissing(true)
            let run = try await s.run(arguments(s))
            #expect(run.exitCode == 1, "\(run.output)")
            let line = try #require(run.stdout.split(separator: "\n").first { $0.hasPrefix("✗ ImportImage") }, "\(run.stdout)")
            #expect(line.contains("NoSetRoletoECSServiceAcount"))
            #expect(run.stdout.contains("fix: the account owner creates the RAM role AliyunECSImageImportDefaultRole"))
            #expect(run.stdout.contains("aliyun ram CreateRole --RoleName AliyunECSImageImportDefaultRole"))
            #expect(run.stdout.contains("✓ ECS API"), "\(run.stdout)")
            #expect(s.server.ecs.counters().imagesCreated == 0)
        }
    }

    @Test func aSkewedServerClockFailsOnlyTheClockCheck() async throws {
        try await withScenario(faults: FaultSettings(clockSkewSeconds: 1200)) { s in
            privateStateDirectory(s)
            let run = try await s.run(arguments(s, ["--json"]))
            #expect(run.exitCode == 1, "\(run.output)")
            let checks = try checks(run)
            #expect(status(checks, "clock") == "fail", "\(checks["clock"] ?? [:])")
            #expect((checks["clock"]?["detail"] as? String)?.contains("behind") == true)
            #expect((checks["clock"]?["fix"] as? String)?.contains("timedatectl set-ntp true") == true)
            // Signing with the server's clock, the other checks see past the skew.
            for id in ["oss.auth", "oss.bucket", "ecs.api", "ecs.import"] {
                #expect(status(checks, id) == "pass", "\(id): \(checks[id] ?? [:])")
            }
        }
    }

    @Test func aConfigMistakeIsReportedWithItsFileAndLine() async throws {
        try await withScenario { s in
            let config = s.directory + "/hoist.toml"
            try "[oss]\nregion = \"cn-hangzhou\"\npart_size = 5\n".write(toFile: config, atomically: true, encoding: .utf8)
            let run = try await s.run(arguments(s))
            #expect(run.exitCode == 1, "\(run.output)")
            #expect(run.stdout.contains("✗ config"), "\(run.stdout)")
            #expect(run.stdout.contains("\(config):3: unknown setting oss.part_size"), "\(run.stdout)")
            #expect(run.stdout.contains("- settings"), "\(run.stdout)")
        }
    }

    @Test func noSecretTokenOrProxyPasswordReachesTheOutput() async throws {
        try await withScenario { s in
            // A private state directory is not needed here: only the output is read.
            var environment = s.environment
            environment["https_proxy"] = "http://builder:proxy-pass-77@proxy.invalid:3128"
            environment["no_proxy"] = "*"
            for extra in [[], ["--json"]] {
                let run = try await s.run(arguments(s, extra), environment: environment)
                #expect(run.output.contains("proxy.invalid:3128"), "\(run.output)")
                for secret in [UploadScenario.accessKey.secret, "proxy-pass-77", UploadScenario.accessKey.id] {
                    #expect(!run.output.contains(secret), "\(secret) printed: \(run.output)")
                }
            }
        }
    }

    @Test func theAgentChecksRunWhenAWatchFolderIsGiven() async throws {
        try await withScenario { s in
            privateStateDirectory(s)
            let watch = s.directory + "/drop"
            try FileManager.default.createDirectory(atPath: watch, withIntermediateDirectories: true)
            let missing = s.directory + "/missing"
            let run = try await s.run(arguments(s, ["--watch", watch, "--watch", missing, "--json"]))
            #expect(run.exitCode == 1, "\(run.output)")
            let checks = try checks(run)
            #expect(checks["agent"] == nil)
            #expect(status(checks, "agent.watch") == "fail")
            #expect((checks["agent.watch"]?["detail"] as? String)?.contains("\(missing) does not exist") == true)
            #expect(checks["agent.inotify"] != nil && checks["agent.unit"] != nil && checks["agent.service"] != nil)
        }
    }
}
