import Foundation
import HoistCore
import HoistEmulator
import Testing

extension UploadIntegration {
    /// Answers that repeating cannot change end the run with a named error instead of a retry
    /// loop (run through the real `hoist` binary, with its default back-off).
    @Suite struct Loops {
        static let crcHeader = "x-oss-hash-crc64ecma"

        @Test func aServerWithoutCRCHeadersIsUnverifiableNotANetworkProblem() async throws {
            let faults = FaultSettings(strippedHeaders: [HeaderStripFault(operation: "UploadPart", header: Self.crcHeader)])
            try await withScenario(faults: faults) { scenario in
                let file = try scenario.makeFile("nocrc.img", size: 6 * Int(scenario.partSize))
                let run = try await scenario.run(scenario.arguments(file, key: "nocrc.img", ["--give-up-after", "20s"]))
                #expect(run.exitCode == 9, "\(run.output)")
                #expect(run.stderr.contains(Self.crcHeader) && run.stderr.contains("cannot be verified"), "\(run.stderr)")
                // Each part in flight asked once; nothing was retried.
                #expect(scenario.server.counters.snapshot().requests("UploadPart") <= 4)
                #expect(try await scenario.journaled(file, key: "nocrc.img").parts.isEmpty)
            }
        }

        @Test func notImplementedEndsTheRun() async throws {
            let faults = FaultSettings(errors: [ErrorFault(operation: "InitiateMultipartUpload", status: 501,
                                                           code: "NotImplemented")])
            try await withScenario(faults: faults) { scenario in
                let file = try scenario.makeFile("ni.img", size: 2 * Int(scenario.partSize))
                let run = try await scenario.run(scenario.arguments(file, key: "ni.img"))
                #expect(run.exitCode == 5, "\(run.output)")
                #expect(run.stderr.contains("NotImplemented"), "\(run.stderr)")
                #expect(scenario.server.counters.snapshot().requests("InitiateMultipartUpload") == 1)
            }
        }

        @Test(arguments: [407, 404])
        func aForeignAnswerIsNamedAfterAFewIdenticalOnes(status: Int) async throws {
            let faults = FaultSettings(errors: [.foreign(operation: "InitiateMultipartUpload", status: status)])
            try await withScenario(faults: faults) { scenario in
                let file = try scenario.makeFile("foreign.img", size: 2 * Int(scenario.partSize))
                let run = try await scenario.run(scenario.arguments(file, key: "foreign.img"))
                #expect(run.exitCode == 5, "\(run.output)")
                let named = status == 407 ? "a proxy between this host and OSS demands authentication" : "the endpoint is not OSS"
                #expect(run.stderr.contains(named), "\(run.stderr)")
                #expect(scenario.server.counters.snapshot().requests("InitiateMultipartUpload") == 3)
            }
        }

        @Test func aCompleteThatKeepsRefusingThePartListStops() async throws {
            let faults = FaultSettings(errors: [ErrorFault(operation: "CompleteMultipartUpload", status: 400,
                                                           code: "InvalidPart", message: "One or more of the specified parts could not be found.")])
            try await withScenario(faults: faults) { scenario in
                let file = try scenario.makeFile("refused.img", size: 3 * Int(scenario.partSize))
                let run = try await scenario.run(scenario.arguments(file, key: "refused.img"))
                #expect(run.exitCode == 5, "\(run.output)")
                #expect(run.stderr.contains("refused the part list 3 times"), "\(run.stderr)")
                let snapshot = scenario.server.counters.snapshot()
                #expect(snapshot.requests("CompleteMultipartUpload") == 3)
                // Between the passes the parts were reconciled, not sent again.
                #expect(snapshot.requests("UploadPart") == 3)
            }
        }
    }
}
