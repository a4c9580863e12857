import Foundation
import HoistCore
import HoistEmulator
import Testing

extension UploadIntegration {
    /// A lost network is waited out by one probe, not by every part's back-off; the parts resume
    /// on the network's return. Run in-process, so the per-part back-off can be set far beyond
    /// any test bound: only the shared network view can have resumed the parts.
    @Suite struct Network {
        /// Every request is accepted and dropped without an answer (the emulator resets it).
        static let dropEverything = ResetFault(operation: "*", afterBytes: 0)

        /// Starts an upload slowed by a bandwidth cap, waits for a few parts, then drops every
        /// connection until `probes` further GetBucketInfo probes were refused.
        @discardableResult
        static func uploadThroughOutage(backoff: Backoff,
                                        check: @escaping @Sendable (EngineRun, UploadScenario) async throws -> Void)
            async throws -> [UploadEvent] {
            var events: [UploadEvent] = []
            let faults = FaultSettings(bandwidth: BandwidthFault(bytesPerSecond: 1_000_000))
            try await withScenario(faults: faults) { scenario in
                let health = NetworkHealth(probeInterval: 0.2, wakeJitter: 0.05, probeTimeout: 2)
                let engine = try EngineRun(scenario, policy: RetryPolicy(backoff: backoff, health: health))
                defer { engine.close() }
                let file = try scenario.makeFile("outage.img", size: 16 * Int(scenario.partSize), seed: 21)
                let run = Task { try await engine.engine.run(engine.request(file, key: "outage.img")) }
                try await waitUntil("a few parts") { engine.count { if case .partDone = $0 { true } else { false } } >= 3 }
                scenario.server.faults.addReset(Self.dropEverything)
                try await check(engine, scenario)
                scenario.server.faults.update { $0.resets = [] }
                let outcome = try await run.value
                #expect(outcome.partCount == 16)
                #expect(try await scenario.objectMatches(file, key: "outage.img"))
                events = engine.events
            }
            return events
        }

        @Test func whileTheNetworkIsDownOnlyTheProbeTries() async throws {
            // A short per-part back-off: without the shared view every part would keep retrying.
            try await Self.uploadThroughOutage(backoff: Backoff(base: 0.02, cap: 0.05)) { engine, scenario in
                try await waitUntil("the outage announced") { engine.count { $0 == .networkDown } >= 1 }
                // Parts that were mid-body when the drops began finish within the bandwidth cap;
                // after a few more probes nothing but the probe may reach the server.
                let settled = scenario.server.counters.snapshot().requests("GetBucketInfo") + 5
                try await waitUntil("probes") { scenario.server.counters.snapshot().requests("GetBucketInfo") >= settled }
                let before = scenario.server.counters.snapshot()
                try await waitUntil("more probes") {
                    scenario.server.counters.snapshot().requests("GetBucketInfo") >= before.requests("GetBucketInfo") + 5
                }
                let after = scenario.server.counters.snapshot()
                #expect(after.requests("UploadPart") == before.requests("UploadPart"))
                #expect(after.requests("InitiateMultipartUpload") == before.requests("InitiateMultipartUpload"))
            }
        }

        @Test func partsResumeWhenTheNetworkReturnsNotWhenTheirBackoffEnds() async throws {
            // A per-part back-off of an hour: a part resumed by its own timer would time out the test.
            let events = try await Self.uploadThroughOutage(backoff: Backoff(base: 3600, cap: 3600)) { engine, scenario in
                try await waitUntil("the outage announced") { engine.count { $0 == .networkDown } >= 1 }
                let probes = scenario.server.counters.snapshot().requests("GetBucketInfo")
                try await waitUntil("probes") { scenario.server.counters.snapshot().requests("GetBucketInfo") >= probes + 2 }
            }
            // Every announced outage ended with a "back" event, and the last state event is success.
            let downs = events.filter { $0 == .networkDown }.count
            let backs = events.filter { if case .networkBack = $0 { true } else { false } }.count
            #expect(downs >= 1)
            #expect(backs == downs)
            #expect(events.contains { if case .verified = $0 { true } else { false } })
        }
    }
}
