import Foundation
@testable import HoistCore
import Testing

@Suite struct UploadSchedulerTests {
    func parts(_ count: Int) -> [PartPlan.Part] {
        (1...count).map { PartPlan.Part(number: $0, offset: Int64($0 - 1) * 10, length: 10) }
    }

    @Test func runsEveryPartWithAtMostNInFlight() async throws {
        let inFlight = LockedCount()
        let peak = LockedList<Int>()
        let done = LockedList<Int>()
        try await PartScheduler(parallel: 4).run(parts(30)) { part in
            peak.append(inFlight.increment())
            try await Task.sleep(for: .milliseconds(Int.random(in: 1...5)))
            inFlight.decrement()
            done.append(part.number)
        }
        #expect(done.values.sorted() == Array(1...30))
        #expect(peak.values.max() == 4)
    }

    @Test func aFailingPartCancelsTheRestAndIsReported() async {
        let started = LockedCount()
        await #expect(throws: UploadFailure.interrupted) {
            try await PartScheduler(parallel: 2).run(parts(50)) { part in
                started.increment()
                if part.number == 3 { throw UploadFailure.interrupted }
                try await Task.sleep(for: .milliseconds(5))
            }
        }
        #expect(started.value < 50)
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
