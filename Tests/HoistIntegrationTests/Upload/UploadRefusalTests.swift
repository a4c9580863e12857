import Foundation
import HoistCore
import HoistEmulator
import Testing

extension UploadIntegration {
    /// Failures no retry can fix end fast, with the OSS code, a hint and no secret.
    @Suite struct Refusals {
        @Test func wrongSecretFailsFastWithTheCodeAndAHint() async throws {
            try await withScenario { scenario in
                let file = try scenario.makeFile("x.img", size: 300_000)
                var environment = scenario.environment
                let wrong = "WrongSecret-0000aaaa1111bbbb"
                environment["ALIBABA_CLOUD_ACCESS_KEY_SECRET"] = wrong
                let run = try await scenario.run(scenario.arguments(file, key: "x.img"), environment: environment,
                                                 timeout: 20)
                #expect(run.exitCode == 4, "\(run.output)")
                #expect(run.seconds < 10)
                #expect(run.stderr.contains("SignatureDoesNotMatch"), "\(run.stderr)")
                #expect(run.stderr.contains("hint: "), "\(run.stderr)")
                #expect(run.stderr.contains("ALIBABA_CLOUD_ACCESS_KEY_SECRET"))
                #expect(!run.output.contains(wrong))
                #expect(!run.output.contains(UploadScenario.accessKey.secret))
                let requests = scenario.server.counters.snapshot().requests.values.reduce(0, +)
                #expect(requests <= 2, "no retry storm: \(requests) requests")
            }
        }

        @Test func unknownAccessKeyIdIsACredentialFailure() async throws {
            try await withScenario { scenario in
                let file = try scenario.makeFile("x.img", size: 300_000)
                var environment = scenario.environment
                environment["ALIBABA_CLOUD_ACCESS_KEY_ID"] = "LTAI5tNobodyHasThisKey"
                let run = try await scenario.run(scenario.arguments(file, key: "x.img"), environment: environment)
                #expect(run.exitCode == 4, "\(run.output)")
                #expect(run.stderr.contains("InvalidAccessKeyId"))
            }
        }

        @Test func missingBucketSaysNoSuchBucket() async throws {
            try await withScenario { scenario in
                let file = try scenario.makeFile("x.img", size: 300_000)
                var arguments = scenario.arguments(file, key: "x.img")
                arguments[2] = "oss://no-such-bucket/x.img"
                let run = try await scenario.run(arguments, timeout: 20)
                #expect(run.exitCode == 5, "\(run.output)")
                #expect(run.stderr.contains("NoSuchBucket"), "\(run.stderr)")
                #expect(scenario.server.counters.snapshot().requests.values.reduce(0, +) <= 2)
            }
        }

        @Test func missingCredentialsAreAUsageError() async throws {
            try await withScenario { scenario in
                let file = try scenario.makeFile("x.img", size: 300_000)
                var environment = scenario.environment
                environment["ALIBABA_CLOUD_ACCESS_KEY_ID"] = nil
                environment["ALIBABA_CLOUD_ACCESS_KEY_SECRET"] = nil
                let run = try await scenario.run(scenario.arguments(file, key: "x.img"), environment: environment)
                #expect(run.exitCode == 64, "\(run.output)")
                #expect(run.stderr.contains("ALIBABA_CLOUD_ACCESS_KEY_ID"))
            }
        }

        @Test func sourcesThatCannotBeUploaded() async throws {
            try await withScenario { scenario in
                let empty = scenario.directory + "/empty.img"
                _ = FileManager.default.createFile(atPath: empty, contents: Data())
                let cases: [(String, String)] = [
                    (scenario.directory + "/missing.img", "No such file"),
                    (scenario.directory, "it is a directory"),
                    (empty, "the file is empty"),
                ]
                for (path, message) in cases {
                    let run = try await scenario.run(scenario.arguments(path, key: "x.img"))
                    #expect(run.exitCode == 3, "\(path): \(run.output)")
                    #expect(run.stderr.contains(message), "\(path): \(run.stderr)")
                }
                if geteuid() != 0 {
                    let locked = try scenario.makeFile("locked.img", size: 1000)
                    chmod(locked, 0)
                    let run = try await scenario.run(scenario.arguments(locked, key: "x.img"))
                    #expect(run.exitCode == 3)
                    #expect(run.stderr.contains("Permission denied"), "\(run.stderr)")
                }
                #expect(scenario.server.counters.snapshot().requests.values.reduce(0, +) == 0)
            }
        }

        @Test func giveUpAfterBoundsWaitingOnADeadNetwork() async throws {
            try await withScenario { scenario in
                let file = try scenario.makeFile("x.img", size: 300_000)
                var arguments = scenario.arguments(file, key: "x.img", ["--give-up-after", "2s"])
                arguments[4] = "http://127.0.0.1:1"
                let run = try await scenario.run(arguments, timeout: 30)
                #expect(run.exitCode == 6, "\(run.output)")
                #expect(run.seconds < 8)
                #expect(run.stderr.contains("gave up after"))
            }
        }
    }

    @Suite struct OrphanedUploads {
        @Test func listAndAbortOrphans() async throws {
            try await withScenario { scenario in
                let first = try await scenario.client.initiateMultipartUpload(bucket: scenario.bucket, key: "orphans/a.img")
                let second = try await scenario.client.initiateMultipartUpload(bucket: scenario.bucket, key: "orphans/b.img")
                _ = try await scenario.client.initiateMultipartUpload(bucket: scenario.bucket, key: "kept/c.img")
                let common = ["--endpoint", scenario.server.baseURL, "--region", "cn-hangzhou",
                              "--state-dir", scenario.stateDirectory, "--config", scenario.directory + "/hoist.toml"]

                let list = try await scenario.run(["uploads", "list", "oss://images/orphans/"] + common)
                #expect(list.exitCode == 0, "\(list.output)")
                #expect(list.stdout.contains(first.uploadId) && list.stdout.contains(second.uploadId))
                #expect(!list.stdout.contains("kept/c.img"))

                let young = try await scenario.run(["uploads", "list", "oss://images/orphans/", "--older-than", "1h"] + common)
                #expect(young.exitCode == 0)
                #expect(young.stdout.isEmpty, "\(young.stdout)")

                let one = try await scenario.run(["uploads", "abort", first.uploadId, "--location", "oss://images/orphans/",
                                                  "--all"] + common)
                #expect(one.exitCode == 0, "\(one.output)")
                #expect(one.stdout.contains("aborted \(first.uploadId)"))

                let old = try await scenario.run(["uploads", "abort", "--older-than", "0s", "--location",
                                                  "oss://images/orphans/", "--all"] + common)
                #expect(old.exitCode == 0, "\(old.output)")
                #expect(old.stdout.contains("aborted \(second.uploadId)"))
                #expect(scenario.server.uploads().map(\.key) == ["kept/c.img"])

                let unknown = try await scenario.run(["uploads", "abort", "nope", "--location", "oss://images/"] + common)
                #expect(unknown.exitCode == 1)
            }
        }
    }
}
