import Foundation
import Synchronization
import Testing
@testable import HoistCore

/// The bandwidth budget where bytes leave: libcurl's read callback pauses when the budget is
/// empty and resumes when it refills or the cap is lifted. The budget's clock is frozen, so what
/// each step may send is decided by the test, never by how fast the machine is.
@Suite(.serialized) struct TransportBandwidthTests {
    /// Hands out progress values as they happen, so the test waits on an event, not on time.
    final class ProgressProbe: Sendable {
        let latest = Mutex<Int64>(0)
        let stream: AsyncStream<Int64>
        let continuation: AsyncStream<Int64>.Continuation

        init() {
            (stream, continuation) = AsyncStream.makeStream(of: Int64.self)
        }

        func report(_ sent: Int64) {
            latest.withLock { $0 = sent }
            continuation.yield(sent)
        }

        /// Returns once progress reaches `bytes` (or the stream ends).
        func reached(_ bytes: Int64) async -> Bool {
            for await sent in stream where sent >= bytes { return true }
            return false
        }
    }

    @Test func aBodySendsOnlyWhatTheBudgetGrantsThenResumesWhenTheCapIsLifted() async throws {
        let server = try TransportTestServer()
        defer { server.stop() }
        let frozen = ManualBandwidthClock()
        let rate: Int64 = 100 * 1024
        let budget = BandwidthBudget(BandwidthPlan(base: .bytesPerSecond(rate)), clock: frozen.clock)
        var options = TransportTests.quick
        options.totalTimeout = nil
        options.stallSeconds = 0  // waiting on the frozen budget is the point here, not a stall
        options.expectContinueThreshold = .max
        let transport = try Transport(options: options, bandwidth: budget)
        defer { transport.shutdown() }

        let body = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let probe = ProgressProbe()
        let sending = Task {
            try await transport.send(HTTPRequest(method: "PUT", url: server.url("/echo"), body: .bytes(body)),
                                     onProgress: { probe.report($0) })
        }
        let burst = Int64(BandwidthBudget.burst(for: rate))
        #expect(await probe.reached(burst))
        // The clock does not move, so no more tokens come: exactly the burst has left.
        #expect(probe.latest.withLock { $0 } == burst)

        budget.update(rate: .unlimited)
        let response = try await sending.value
        probe.continuation.finish()
        #expect(response.status == 200)
        #expect(response.header("X-Received-Length") == "\(body.count)")
        #expect(response.header("X-Received-CRC32") == "\(TransportTestCRC32.checksum(body))")
        #expect(response.sentBodyCRC64 == CRC64.checksum(body))
        #expect(response.bytesSent == Int64(body.count))
    }

    @Test func refillsLetTheBodyThroughInQuantaAndPausedTransfersAllFinish() async throws {
        let server = try TransportTestServer()
        defer { server.stop() }
        let manual = ManualBandwidthClock()
        let rate: Int64 = 1 << 20  // quantum 20 KiB
        let budget = BandwidthBudget(BandwidthPlan(base: .bytesPerSecond(rate)), clock: manual.clock)
        var options = TransportTests.quick
        options.totalTimeout = nil
        options.stallSeconds = 0
        let transport = try Transport(options: options, bandwidth: budget)
        defer { transport.shutdown() }

        let bodies = (0..<3).map { seed in (0..<(200 * 1024 + seed)).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ seed) } }
        let sends = bodies.map { body in
            Task { try await transport.send(HTTPRequest(method: "PUT", url: server.url("/echo"), body: .bytes(body))) }
        }
        // Each tick mints one second's worth of tokens; three bodies of ~200 KiB need under one.
        // The loop wakes by itself (at most every second) and resumes whoever waits.
        let ticker = Task {
            while !Task.isCancelled {
                manual.advance(1)
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        defer { ticker.cancel() }
        for (body, send) in zip(bodies, sends) {
            let response = try await send.value
            #expect(response.status == 200)
            #expect(response.header("X-Received-Length") == "\(body.count)")
            #expect(response.sentBodyCRC64 == CRC64.checksum(body))
        }
    }
}
