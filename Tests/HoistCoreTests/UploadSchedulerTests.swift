import Foundation
@testable import HoistCore
import Testing

@Suite struct UploadSchedulerTests {
    func parts(_ count: Int) -> [PartPlan.Part] {
        (1...count).map { PartPlan.Part(number: $0, offset: Int64($0 - 1) * 10, length: 10) }
    }

    /// The first parts wait at a gate that opens once four are in flight, so reaching four
    /// does not depend on how fast the machine runs them.
    @Test func runsEveryPartWithAtMostNInFlight() async throws {
        let inFlight = LockedCount()
        let peak = LockedList<Int>()
        let done = LockedList<Int>()
        let gate = ArrivalGate(opensAt: 4)
        try await PartScheduler(parallel: 4).run(parts(30)) { part in
            peak.append(inFlight.increment())
            await gate.arrive()
            inFlight.decrement()
            done.append(part.number)
        }
        #expect(done.values.sorted() == Array(1...30))
        #expect(peak.values.max() == 4)
    }

    /// Part 2 waits until it is cancelled, so the only way the run ends is the scheduler
    /// cancelling it after part 3 fails; parts after 3 never start.
    @Test func aFailingPartCancelsTheRestAndIsReported() async {
        let started = LockedList<Int>()
        await #expect(throws: UploadFailure.interrupted) {
            try await PartScheduler(parallel: 2).run(parts(50)) { part in
                started.append(part.number)
                if part.number == 3 { throw UploadFailure.interrupted }
                if part.number == 2 { try await waitUntilCancelled() }
            }
        }
        #expect(started.values.sorted() == [1, 2, 3])
    }

    @Test func parallelBelowOneMeansOne() {
        #expect(PartScheduler(parallel: 0).parallel == 1)
    }

    @Test func meterCountsResentBytesOfFailedAttempts() {
        let meter = UploadMeter(emitInterval: .zero)
        meter.plan(totalBytes: 100, partCount: 10, safeParts: 2, safeBytes: 20)
        meter.attemptStarted(part: 3)
        meter.sent(part: 3, cumulative: 6)
        meter.attemptFailed(part: 3)
        meter.attemptStarted(part: 3)
        meter.sent(part: 3, cumulative: 10)
        meter.partDone(part: 3, bytes: 10, sent: true)
        let totals = meter.totals
        #expect(totals.bytesSent == 16)
        #expect(totals.bytesResent == 6)
        #expect(totals.retries == 1)
        #expect(totals.partsSent == 1)
        let snapshot = meter.snapshot
        #expect(snapshot.bytesDone == 30)
        #expect(snapshot.partsDone == 3)
        #expect(snapshot.partsInFlight == 0)
    }
}

/// Holds every arrival until `opensAt` have arrived, then lets all through (and every later one).
actor ArrivalGate {
    private let opensAt: Int
    private var arrived = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(opensAt: Int) { self.opensAt = opensAt }

    func arrive() async {
        arrived += 1
        if arrived >= opensAt {
            for continuation in waiting { continuation.resume() }
            waiting.removeAll()
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }
}

/// Suspends until the current task is cancelled, then throws `CancellationError`; the bound is
/// only a backstop so a broken scheduler fails the test instead of hanging it.
func waitUntilCancelled() async throws {
    try await Task.sleep(for: .seconds(600))
}
