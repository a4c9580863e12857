import Synchronization
import Testing
@testable import HoistCore

/// A clock the test moves by hand: monotonic seconds and the local second of the day.
final class ManualBandwidthClock: Sendable {
    private let state: Mutex<(now: Double, secondOfDay: Int)>

    init(secondOfDay: Int = 12 * 3600) {
        state = Mutex((0, secondOfDay))
    }

    func advance(_ seconds: Double) {
        state.withLock { state in
            state.now += seconds
            state.secondOfDay = (state.secondOfDay + Int(seconds)) % 86_400
        }
    }

    var clock: BandwidthClock {
        BandwidthClock(monotonic: { self.state.withLock { $0.now } },
                       secondOfDay: { self.state.withLock { $0.secondOfDay } })
    }
}

/// The token bucket's accounting, with an injected clock: no test here waits for real time.
struct BandwidthBudgetTests {
    static let mib: Int64 = 1 << 20

    /// Drains whatever the budget grants right now, in reads of `chunk`.
    func drain(_ budget: BandwidthBudget, chunk: Int = 1 << 20) -> Int64 {
        var total: Int64 = 0
        while true {
            let granted = budget.grant(upTo: chunk)
            if granted == 0 { return total }
            total += Int64(granted)
        }
    }

    @Test func unlimitedGrantsEverythingAndNeverWaits() {
        let budget = BandwidthBudget(.unlimited, clock: ManualBandwidthClock().clock)
        #expect(budget.grant(upTo: 123_456_789) == 123_456_789)
        #expect(budget.readiness() == .unlimited)
    }

    @Test func grantsAreCappedAtOneQuantumAndAllOrNothing() {
        let budget = BandwidthBudget(BandwidthPlan(base: .bytesPerSecond(50 * Self.mib)), clock: ManualBandwidthClock().clock)
        #expect(BandwidthBudget.quantum(for: 50 * Self.mib) == 1 << 20)
        #expect(budget.grant(upTo: 8 << 20) == 1 << 20)
        #expect(budget.grant(upTo: 100) == 100)
        // The burst is two quanta: 2 MiB - 1 MiB - 100 bytes left, so a full quantum is refused.
        #expect(budget.grant(upTo: 1 << 20) == 0)
        #expect(budget.grant(upTo: (1 << 20) - 100) == (1 << 20) - 100)
        #expect(budget.grant(upTo: 1) == 0)
    }

    @Test func overAnIntervalTheGrantsNeverExceedRateTimesTimePlusBurst() {
        let manual = ManualBandwidthClock()
        let rate = 10 * Self.mib
        let budget = BandwidthBudget(BandwidthPlan(base: .bytesPerSecond(rate)), clock: manual.clock)
        var total = drain(budget)
        for _ in 0..<1000 {
            manual.advance(0.01)
            total += drain(budget, chunk: 64 * 1024)
        }
        let burst = Int64(BandwidthBudget.burst(for: rate))
        #expect(total <= rate * 10 + burst)
        // Every token minted was granted: nothing is lost to rounding either.
        #expect(total >= rate * 10 - Int64(BandwidthBudget.quantum(for: rate)))
    }

    @Test func idleTimeBuysNoMoreThanTheBurst() {
        let manual = ManualBandwidthClock()
        let rate = 4 * Self.mib
        let budget = BandwidthBudget(BandwidthPlan(base: .bytesPerSecond(rate)), clock: manual.clock)
        _ = drain(budget)
        manual.advance(3600)
        #expect(drain(budget) == Int64(BandwidthBudget.burst(for: rate)))
    }

    @Test func readinessSaysHowLongUntilTheNextQuantum() {
        let manual = ManualBandwidthClock()
        let rate: Int64 = 100 * 1024  // quantum: 4 KiB (the floor), refilled in 0.04 s
        let budget = BandwidthBudget(BandwidthPlan(base: .bytesPerSecond(rate)), clock: manual.clock)
        #expect(budget.readiness() == .ready(turns: 2))
        _ = drain(budget)
        guard case .wait(let seconds) = budget.readiness() else { Issue.record("expected a wait"); return }
        #expect(abs(seconds - 4096.0 / 102_400.0) < 1e-9)
        manual.advance(seconds + 1e-9)
        #expect(budget.readiness() == .ready(turns: 1))
    }

    @Test func updateChangesTheRateWithoutLosingAccount() {
        let manual = ManualBandwidthClock()
        let budget = BandwidthBudget(BandwidthPlan(base: .bytesPerSecond(Self.mib)), clock: manual.clock)
        _ = drain(budget)
        budget.update(rate: .unlimited)
        #expect(budget.rate == .unlimited)
        #expect(budget.grant(upTo: 5 << 20) == 5 << 20)
        budget.update(rate: .bytesPerSecond(Self.mib))
        // Coming back from unlimited starts with one burst, not with an unbounded store.
        let quantum = BandwidthBudget.quantum(for: Self.mib)
        #expect(drain(budget, chunk: quantum) == Int64(BandwidthBudget.burst(for: Self.mib)))
        manual.advance(1)
        #expect(drain(budget, chunk: quantum) == Int64(BandwidthBudget.burst(for: Self.mib)))
    }

    @Test func theScheduleIsFollowedAcrossItsBoundaries() throws {
        let manual = ManualBandwidthClock(secondOfDay: 7 * 3600 + 59 * 60 + 30)  // 07:59:30
        let schedule = try BandwidthSchedule.parse(["08:00-20:00 1MB/s", "20:00-08:00 unlimited"])
        let budget = BandwidthBudget(BandwidthPlan(base: .bytesPerSecond(Self.mib), schedule: schedule), clock: manual.clock)
        #expect(budget.rate == .unlimited)
        manual.advance(29)
        #expect(budget.rate == .unlimited)
        manual.advance(1)  // 08:00:00
        #expect(budget.rate == .bytesPerSecond(Self.mib))
        manual.advance(12 * 3600)  // 20:00:00
        #expect(budget.rate == .unlimited)
    }

    @Test func theStallThresholdFollowsTheSmallestFairShare() throws {
        let clock = ManualBandwidthClock().clock
        #expect(BandwidthBudget(.unlimited, clock: clock).stallThreshold(standard: 1024, connections: 10) == 1024)
        // 50 MiB/s over 10 connections: a share far above the standard threshold keeps it.
        #expect(BandwidthBudget(BandwidthPlan(base: .bytesPerSecond(50 * Self.mib)), clock: clock)
            .stallThreshold(standard: 1024, connections: 10) == 1024)
        // 64 KiB/s over 10 connections: a quarter of 6.5 KiB/s each.
        #expect(BandwidthBudget(BandwidthPlan(base: .bytesPerSecond(64 * 1024)), clock: clock)
            .stallThreshold(standard: 8192, connections: 10) == 64 * 1024 / 40)
        // A schedule's smallest window counts even while another rate is in force.
        let schedule = try BandwidthSchedule.parse(["00:00-00:01 4KiB/s"])
        #expect(BandwidthBudget(BandwidthPlan(base: .unlimited, schedule: schedule), clock: clock)
            .stallThreshold(standard: 1024, connections: 8) == 128)
        #expect(BandwidthBudget(BandwidthPlan(base: .bytesPerSecond(1)), clock: clock)
            .stallThreshold(standard: 1024, connections: 8) == 1)
    }
}
