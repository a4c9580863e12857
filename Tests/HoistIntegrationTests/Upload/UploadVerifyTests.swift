import Foundation
import HoistCore
import HoistEmulator
import Testing

extension UploadIntegration {
    /// After Complete, a failure that says nothing about the object's integrity never costs a
    /// re-upload: Complete's own CRC-64 verifies, and a rerun only verifies.
    @Suite struct VerifyAfterComplete {
        static let headRefused = ErrorFault(operation: "HeadObject", status: 403, code: "AccessDenied",
                                            message: "You have no right to access this object.")

        @Test func completesCRCVerifiesWhenHeadIsRefused() async throws {
            try await withScenario(faults: FaultSettings(errors: [Self.headRefused])) { scenario in
                let file = try scenario.makeFile("wo.img", size: 5 * Int(scenario.partSize) + 9, seed: 3)
                let run = try await scenario.run(scenario.arguments(file, key: "wo.img"))
                #expect(run.exitCode == 0, "\(run.output)")
                #expect(run.stderr.contains("Verified"), "\(run.stderr)")
                #expect(scenario.server.counters.snapshot().requests("HeadObject") == 0)
                scenario.server.faults.clear()
                #expect(try await scenario.objectMatches(file, key: "wo.img"))
            }
        }

        @Test func aRefusedVerificationStaysVerifyingAndTheRerunSendsNothing() async throws {
            let faults = FaultSettings(
                errors: [Self.headRefused],
                strippedHeaders: [HeaderStripFault(operation: "CompleteMultipartUpload", header: "x-oss-hash-crc64ecma")])
            try await withScenario(faults: faults) { scenario in
                let file = try scenario.makeFile("verify.img", size: 5 * Int(scenario.partSize), seed: 4)
                let arguments = scenario.arguments(file, key: "verify.img")
                let first = try await scenario.run(arguments)
                #expect(first.exitCode == 4, "\(first.output)")
                let journal = try UploadJournal(path: scenario.stateDirectory + "/journal.sqlite")
                let job = try #require(try await journal.findJob(sourcePath: file, bucket: scenario.bucket, key: "verify.img"))
                #expect(job.state == .verifying)
                try journal.close()

                scenario.server.faults.clear()
                let sentBefore = scenario.server.counters.snapshot().requests("UploadPart")
                let second = try await scenario.run(arguments)
                #expect(second.exitCode == 0, "\(second.output)")
                let snapshot = scenario.server.counters.snapshot()
                #expect(snapshot.requests("UploadPart") == sentBefore)
                #expect(snapshot.requests("CompleteMultipartUpload") == 1)
                #expect(try await scenario.objectMatches(file, key: "verify.img"))
            }
        }
    }
}
