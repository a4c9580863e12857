import Foundation
import HoistCore
import HoistEmulator
import Testing
#if canImport(Glibc)
import Glibc
#endif

extension UploadIntegration {
    /// Injected faults end in a correct object; an expired upload ID in a fresh upload.
    @Suite struct Faults {
        @Test func serverErrorsResetsAndThrottlingStillGiveTheRightObject() async throws {
            let faults = FaultSettings(
                errors: [
                    ErrorFault(operation: "UploadPart", rate: 0.1, status: 500, code: "InternalError"),
                    .slowDown(operation: "UploadPart", count: 3, delay: 200),
                    ErrorFault(operation: "InitiateMultipartUpload", count: 1, status: 503, code: "ServiceUnavailable"),
                    ErrorFault(operation: "CompleteMultipartUpload", count: 2, status: 500, code: "InternalError"),
                ],
                // Rules are drawn per request head, and a request answered with an injected error also
                // uses up a reset, so allow more resets than the three SlowDowns can swallow.
                resets: [ResetFault(operation: "UploadPart", afterBytes: 60_000, count: 8)])
            try await withScenario(faults: faults) { scenario in
                let file = try scenario.makeFile("faulty.img", size: 30 * Int(scenario.partSize) + 77, seed: 11)
                let run = try await scenario.run(scenario.arguments(file, key: "faulty.img", ["--json"]), timeout: 120)
                #expect(run.exitCode == 0, "\(run.output)")
                #expect(try await scenario.objectMatches(file, key: "faulty.img"))
                let snapshot = scenario.server.counters.snapshot()
                #expect(snapshot.responses("UploadPart", status: 503) == 3)
                #expect(snapshot.responses("CompleteMultipartUpload", status: 200) == 1)
                #expect(run.stdout.contains("\"event\":\"retry\""))
                #expect(run.stdout.contains("SlowDown"))
                let summary = run.stdout.split(separator: "\n").last.flatMap {
                    try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
                }
                #expect((summary?["retries"] as? Int ?? 0) >= 3 + 1 + 2 + 3)
                #expect((summary?["bytes_resent"] as? Int ?? 0) > 0)
            }
        }

        @Test func clockSkewIsCorrectedFromTheServerDate() async throws {
            try await withScenario(faults: FaultSettings(clockSkewSeconds: 3600)) { scenario in
                let file = try scenario.makeFile("skew.img", size: 3 * Int(scenario.partSize))
                let run = try await scenario.run(scenario.arguments(file, key: "skew.img"))
                #expect(run.exitCode == 0, "\(run.output)")
                #expect(run.stderr.contains("signing with server time"), "\(run.stderr)")
                scenario.server.faults.clear()
                #expect(try await scenario.objectMatches(file, key: "skew.img"))
            }
        }

        @Test func expiredUploadIdStartsAFreshUploadAndSaysWhy() async throws {
            try await withScenario(faults: FaultSettings(bandwidth: BandwidthFault(bytesPerSecond: 1_500_000))) { scenario in
                let file = try scenario.makeFile("expire.img", size: 30 * Int(scenario.partSize), seed: 5)
                let arguments = scenario.arguments(file, key: "expire.img")
                let child = try scenario.start(arguments)
                try await waitUntil("some parts") { scenario.receipts.count >= 6 }
                child.signal(SIGINT)
                let stopped = await child.wait(timeout: 10)
                #expect(stopped.exitCode == 130, "\(stopped.output)")
                let oldId = try #require(try await scenario.journaled(file, key: "expire.img").uploadId)
                #expect(await scenario.server.expireUpload(oldId))
                scenario.server.faults.clear()

                let resumed = try await scenario.run(arguments)
                #expect(resumed.exitCode == 0, "\(resumed.output)")
                #expect(resumed.stderr.contains("Upload \(oldId) no longer exists"), "\(resumed.stderr)")
                #expect(try await scenario.objectMatches(file, key: "expire.img"))
            }
        }

        @Test func anUploadThatExpiresMidRunIsReplaced() async throws {
            try await withScenario(faults: FaultSettings(bandwidth: BandwidthFault(bytesPerSecond: 1_500_000))) { scenario in
                let file = try scenario.makeFile("midexpire.img", size: 24 * Int(scenario.partSize), seed: 6)
                let child = try scenario.start(scenario.arguments(file, key: "midexpire.img"))
                try await waitUntil("some parts") { scenario.receipts.count >= 5 }
                let uploadId = try #require(scenario.receipts.first?.uploadId)
                #expect(await scenario.server.expireUpload(uploadId))
                let run = await child.wait(timeout: 60)
                #expect(run.exitCode == 0, "\(run.output)")
                #expect(run.stderr.contains("no longer exists"))
                #expect(try await scenario.objectMatches(file, key: "midexpire.img"))
            }
        }
    }
}
