import Foundation
import HoistCore
import HoistEmulator
import Testing

extension UploadIntegration {
    /// The engine in-process: what its consumer and its transport settings cannot do to it.
    @Suite struct Engine {
        @Test func aBlockedEventConsumerDoesNotStopTheParts() async throws {
            try await withScenario { scenario in
                let gate = DispatchSemaphore(value: 0)
                let engine = try EngineRun(scenario, policy: RetryPolicy(health: NetworkHealth()), consumer: { _ in
                    gate.wait() // blocks on the first event until the upload is complete
                })
                defer { engine.close() }
                let file = try scenario.makeFile("blocked.img", size: 12 * Int(scenario.partSize), seed: 8)
                let run = Task { try await engine.engine.run(engine.request(file, key: "blocked.img")) }
                do {
                    try await waitUntil("Complete answered while the consumer is blocked", timeout: 60) {
                        scenario.server.counters.snapshot().responses("CompleteMultipartUpload", status: 200) == 1
                    }
                } catch {
                    gate.signal()
                    throw error
                }
                #expect(engine.events.isEmpty)
                // Release the consumer for good: every later event passes straight through.
                for _ in 0..<10_000 { gate.signal() }
                let outcome = try await run.value
                #expect(outcome.partCount == 12)
                // State events are never dropped, only progress snapshots may be.
                #expect(engine.count { if case .partDone = $0 { true } else { false } } == 12)
                #expect(engine.count { if case .verified = $0 { true } else { false } } == 1)
            }
        }

        @Test func aSlowCompleteIsNotAbortedAsAStall() async throws {
            // The answer to Complete takes longer than the low-speed window, as OSS may for many parts.
            let faults = FaultSettings(latency: [LatencyFault(operation: "CompleteMultipartUpload", milliseconds: 3000)])
            try await withScenario(faults: faults) { scenario in
                var options = TransportOptions()
                options.stallSeconds = 1
                let engine = try EngineRun(scenario, policy: RetryPolicy(health: NetworkHealth()), transportOptions: options)
                defer { engine.close() }
                let file = try scenario.makeFile("slow.img", size: 3 * Int(scenario.partSize), seed: 9)
                let outcome = try await engine.engine.run(engine.request(file, key: "slow.img"))
                #expect(outcome.partCount == 3)
                let snapshot = scenario.server.counters.snapshot()
                #expect(snapshot.requests("CompleteMultipartUpload") == 1)
                #expect(engine.count { if case .retrying = $0 { true } else { false } } == 0)
            }
        }
    }
}
