import Foundation
import HoistCore
import HoistEmulator
import Testing

extension ImportIntegration {
    /// What must fail early and clearly: bad parameters and images before the first upload
    /// byte, the missing RAM role with the sentence that fixes it, a wrong secret without a
    /// storm of retries.
    @Suite struct Refusals {
        enum Mistake: String, CaseIterable, Sendable {
            case invalidName, iso, tooSmallDisk, badPlatform, badManifest
        }

        @Test(arguments: Mistake.allCases)
        func uploadImportRefusesBeforeAnyByte(_ mistake: Mistake) async throws {
            try await withImportScenario { s in
                var file = try s.qcow2("disk.qcow2")
                var flags = ["--image-name", "web-v1"]
                var expected = ""
                switch mistake {
                case .invalidName:
                    flags = ["--image-name", "aliyun-web"]
                    expected = "imageNameReservedPrefix"
                case .iso:
                    file = try s.iso("image.iso")
                    expected = "ISO"
                case .tooSmallDisk:
                    file = try s.raw("disk.raw", size: 3 << 30)
                    flags += ["--disk-image-size", "2"]
                    expected = "use at least 3 GiB"
                case .badPlatform:
                    flags += ["--platform", "Ubantu"]
                    expected = "platformUnknown"
                case .badManifest:
                    let manifest = s.base.directory + "/disk.toml"
                    try Data("image-name = \"web-v1\"\n\nplatform = \"Ubantu\"\n".utf8).write(to: URL(fileURLWithPath: manifest))
                    flags = ["--manifest", manifest]
                    expected = "\(manifest):3 (platform): Platform"
                }
                let run = try await s.run(s.uploadImportArguments(file, key: "disk", flags + ["--wait"]))
                #expect(run.exitCode == 2, "\(run.output)")
                #expect(run.stderr.contains(expected) && run.stderr.contains("nothing was sent"), "\(run.stderr)")
                let counters = s.server.counters.snapshot()
                #expect(counters.bodyBytes == 0 && counters.requests.isEmpty, "\(counters.requests)")
                if FileManager.default.fileExists(atPath: s.base.stateDirectory + "/journal.sqlite") {
                    let journaled = try await s.journaled()
                    #expect(journaled == nil, "no job for a refused command")
                }
            }
        }

        @Test func aMissingRAMRoleSaysWhichRoleToCreate() async throws {
            try await withImportScenario { s in
                let disk = try s.qcow2("disk.qcow2")
                try await s.upload(disk, key: "disk.qcow2")
                s.server.ecs.setImportRoleMissing(true)
                let run = try await s.run(s.importArguments(key: "disk.qcow2", ["--image-name", "web-v1", "--wait"]))
                #expect(run.exitCode == 3 || run.exitCode == 6, "\(run.output)")
                #expect(run.output.contains("AliyunECSImageImportDefaultRole"), "\(run.output)")
                #expect(run.output.contains("NoSetRoletoECSServiceAcount"), "\(run.output)")
                #expect(s.ecs.imagesCreated == 0 && s.ecs.importImageCalls == 1, "not retried: \(s.ecs)")
            }
        }

        @Test func aWrongSecretIsAClearErrorAfterFewRequests() async throws {
            try await withImportScenario { s in
                var environment = s.base.environment
                environment["ALIBABA_CLOUD_ACCESS_KEY_SECRET"] = "not-the-secret"
                let run = try await s.run(s.importArguments(key: "disk.qcow2", ["--image-name", "web-v1", "--skip-object-check"]),
                                          environment: environment)
                #expect(run.exitCode == 6, "\(run.output)")
                #expect(run.stderr.contains("SignatureDoesNotMatch") || run.stderr.contains("InvalidAccessKey"), "\(run.stderr)")
                #expect(s.ecsRequestCount >= 1 && s.ecsRequestCount <= 2, "\(s.requests)")
                #expect(!run.output.contains("not-the-secret"))
            }
        }
    }
}
