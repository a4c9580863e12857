import Foundation
import HoistCore
import HoistEmulator
import Testing
#if canImport(Glibc)
import Glibc
#endif

extension UploadIntegration {
    /// `kill -9` of a child `hoist upload` at several points, then the same command again.
    @Suite struct CrashResume {
        enum KillPoint: String, CaseIterable, Sendable {
            case early, middle, beforeComplete
        }

        static let partCount = 40
        static let parallel = 4

        @Test(arguments: KillPoint.allCases)
        func resumesAfterKillWithoutResendingSafeParts(at point: KillPoint) async throws {
            // A bandwidth cap stretches the upload over a few seconds so the kill lands mid-way;
            // for the last point, Complete is held by latency instead.
            var faults = FaultSettings(bandwidth: BandwidthFault(bytesPerSecond: 1_500_000))
            if point == .beforeComplete {
                faults = FaultSettings(latency: [LatencyFault(operation: "CompleteMultipartUpload", milliseconds: 20_000)])
            }
            try await withScenario(faults: faults) { scenario in
                let size = Self.partCount * Int(scenario.partSize) - 1000
                let file = try scenario.makeFile("crash.img", size: size, seed: 7)
                let arguments = scenario.arguments(file, key: "crash.img")
                let child = try scenario.start(arguments)
                switch point {
                case .early:
                    try await waitUntil("two parts") { scenario.receipts.count >= 2 }
                case .middle:
                    try await waitUntil("half the parts") { scenario.receipts.count >= Self.partCount / 2 }
                case .beforeComplete:
                    try await waitUntil("CompleteMultipartUpload") {
                        (scenario.server.counters.snapshot().requests["CompleteMultipartUpload"] ?? 0) >= 1
                    }
                }
                child.signal(SIGKILL)
                let killed = await child.wait(timeout: 10)
                #expect(killed.signalled && killed.exitCode == SIGKILL, "\(killed.output)")
                // The killed child's part uploads end on the server when its sockets close: wait
                // for that, so no late receipt of the old run is counted as sent again.
                try await waitUntil("the killed child's UploadParts to end") {
                    scenario.server.counters.requestsInProgress("UploadPart") == 0
                }

                let journaled = try await scenario.journaled(file, key: "crash.img")
                let uploadId = try #require(journaled.uploadId, "the upload ID is journaled before the first part")
                let onServer = scenario.serverParts(uploadId: uploadId)
                let safe = journaled.parts.intersection(onServer)
                let receivedBefore = Set(scenario.receipts.filter { $0.uploadId == uploadId && $0.status == 200 }
                    .map(\.partNumber))
                if point == .beforeComplete { #expect(safe.count == Self.partCount) }
                let mark = scenario.receipts.count
                scenario.server.faults.clear()

                let resumed = try await scenario.run(arguments)
                #expect(resumed.exitCode == 0, "\(resumed.output)")
                #expect(resumed.stderr.contains("already safe in OSS"), "\(resumed.stderr)")
                #expect(try await scenario.objectMatches(file, key: "crash.img"))

                let sentAgain = scenario.receipts[mark...].filter { $0.uploadId == uploadId }
                let numbers = Set(sentAgain.map(\.partNumber))
                let resentSafe = numbers.intersection(safe).sorted()
                #expect(resentSafe.isEmpty, "parts safe in journal and server were sent again: \(resentSafe)")
                let resent = numbers.intersection(receivedBefore)
                #expect(resent.count <= Self.parallel, "re-sent \(resent.sorted()) with \(Self.parallel) in flight")
                #expect(numbers.union(safe) == Set(1...Self.partCount))
                if point == .beforeComplete { #expect(sentAgain.isEmpty) }
            }
        }

        /// SIGTERM stops cleanly (exit 130); the emulator then loses two stored parts, and the
        /// resumed run sends exactly those plus the ones never sent.
        @Test func cleanStopThenLostPartsAreTheOnlyOnesResent() async throws {
            try await withScenario(faults: FaultSettings(bandwidth: BandwidthFault(bytesPerSecond: 1_500_000))) { scenario in
                let file = try scenario.makeFile("lost.img", size: Self.partCount * Int(scenario.partSize), seed: 3)
                let arguments = scenario.arguments(file, key: "lost.img")
                let child = try scenario.start(arguments)
                try await waitUntil("a third of the parts") { scenario.receipts.count >= Self.partCount / 3 }
                child.signal(SIGTERM)
                let stopped = await child.wait(timeout: 10)
                #expect(stopped.exitCode == 130, "\(stopped.output)")
                #expect(stopped.stderr.contains("run the same command again to resume"))

                let journaled = try await scenario.journaled(file, key: "lost.img")
                let uploadId = try #require(journaled.uploadId)
                #expect(journaled.parts.contains(2) && journaled.parts.contains(5), "\(journaled.parts.sorted())")
                let removed = await scenario.server.deleteParts(uploadId: uploadId, parts: [2, 5])
                #expect(removed == [2, 5])
                scenario.server.faults.clear()
                let mark = scenario.receipts.count

                let resumed = try await scenario.run(arguments)
                #expect(resumed.exitCode == 0, "\(resumed.output)")
                #expect(resumed.stderr.contains("not on the server as recorded"), "\(resumed.stderr)")
                #expect(try await scenario.objectMatches(file, key: "lost.img"))
                let sent = Set(scenario.receipts[mark...].filter { $0.uploadId == uploadId }.map(\.partNumber))
                #expect(sent.intersection(journaled.parts) == [2, 5])
                #expect(sent.union(journaled.parts) == Set(1...Self.partCount))
            }
        }
    }
}
