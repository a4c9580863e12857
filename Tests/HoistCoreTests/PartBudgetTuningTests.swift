import Foundation
@testable import HoistCore
import Testing

/// `--parallel auto`: a budget sized by its `ConcurrencyTuner`, fed by the bytes parts put on the
/// wire. Time is given to `sent(now:)`, so nothing here depends on the machine's speed.
@Suite struct PartBudgetTuningTests {
    /// Starts `count` holders of a slot each; returns their tasks (they hold until cancelled).
    func hold(_ budget: PartBudget, _ count: Int) -> [Task<Void, any Error>] {
        (0..<count).map { _ in Task { try await budget.acquire() } }
    }

    @Test func aSaturatedIntervalResizesTheBudgetAndLetsWaitersIn() async throws {
        let start = ContinuousClock.now
        let budget = PartBudget(tuner: ConcurrencyTuner(maximum: 16), at: start)
        #expect(budget.size == 4)
        // 4 hold their slots and 2 more wait: the budget, not the demand, is the limit.
        for task in hold(budget, 6) { _ = task }
        try await PartBudgetTests.waitFor { budget.inUse == 4 && budget.waiting == 2 }

        // However many bytes, an interval shorter than `tuningInterval` decides nothing.
        for _ in 0..<100 { budget.sent(bytes: 8 << 20, now: start + .milliseconds(1999)) }
        #expect(budget.size == 4)
        // The interval is over: the tuner measured level 4 and tries 16 (×4).
        budget.sent(bytes: 8 << 20, now: start + PartBudget.tuningInterval)
        #expect(budget.size == 16)
        #expect(budget.tuner?.level == 16)
        // The waiters got slots at once, without a release.
        try await PartBudgetTests.waitFor { budget.inUse == 6 && budget.waiting == 0 }
    }

    @Test func anIntervalWithoutWaitersChangesNothing() async throws {
        let budget = PartBudget(tuner: ConcurrencyTuner(maximum: 16))
        // Only 2 parts want to run (an upload's tail): the link was not the limit.
        for task in hold(budget, 2) { _ = task }
        try await PartBudgetTests.waitFor { budget.inUse == 2 }
        budget.sent(bytes: 64 << 20, now: .now + PartBudget.tuningInterval)
        #expect(budget.size == 4)
        #expect(budget.tuner?.phase == .measuringBase(step: 0))
    }

    @Test func aSmallerSizeLetsHoldersDrainBeforeWaitersGetSlotsOrTheMeasureResumes() async throws {
        var tuner = ConcurrencyTuner(maximum: 16)
        tuner.record(100)   // level 4 measured: tries 16
        let budget = PartBudget(tuner: tuner)
        #expect(budget.size == 16)
        for task in hold(budget, 17) { _ = task }
        try await PartBudgetTests.waitFor { budget.inUse == 16 && budget.waiting == 1 }
        // 16 gained nothing over 4 (< +30%): back to 4, then ×2 is tried: size 8.
        let later = ContinuousClock.now + PartBudget.tuningInterval
        budget.sent(bytes: 1, now: later)
        #expect(budget.size == 8)
        // 16 are held against a size of 8. Their bytes are not credited to 8: however late,
        // no interval ends while the extra holders drain.
        budget.sent(bytes: 1 << 30, now: later + .seconds(60))
        #expect(budget.tuner?.level == 8 && budget.tuner?.phase == .trying(base: 4, baseThroughput: 100, step: 1))
        // Releases return slots to the pool until 8 remain; only then does the waiter get one.
        for _ in 0..<8 { budget.release() }
        #expect(budget.inUse == 8 && budget.waiting == 1)
        budget.release()
        try await PartBudgetTests.waitFor { budget.inUse == 8 && budget.waiting == 0 }
        // Drained: the measure of 8 runs from here.
        budget.sent(bytes: 1, now: later + .seconds(61))
        #expect(budget.size == 8)
    }

    @Test func autoIsAConfigValueAndAFlagNumberBeatsIt() throws {
        var file = HoistConfig()
        file.endpoint = "http://127.0.0.1:9000"
        file.region = "cn-hangzhou"
        file.autoParallel = true
        let auto = try HoistSettings.resolve(flags: .init(), environment: [:], file: file)
        #expect(auto.autoParallel && auto.parallel == HoistSettings.autoParallelMaximum)
        var flags = HoistConfig()
        flags.parallel = 6
        flags.autoParallel = false
        let fixed = try HoistSettings.resolve(flags: flags, environment: [:], file: file)
        #expect(!fixed.autoParallel && fixed.parallel == 6)
        let neither = try HoistSettings.resolve(flags: .init(), environment: [:], file: HoistConfig(endpoint: "http://127.0.0.1:9000", region: "cn-hangzhou"))
        // Saying nothing anywhere means auto.
        #expect(neither.autoParallel && neither.parallel == HoistSettings.autoParallelMaximum)
    }

    @Test func theTOMLValueIsANumberOrAuto() throws {
        let path = NSTemporaryDirectory() + "hoist-parallel-\(UUID().uuidString).toml"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "[upload]\nparallel = \"auto\"\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try HoistConfig.load(path: path).autoParallel == true)
        try "[upload]\nparallel = \"many\"\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: ConfigError.self) { try HoistConfig.load(path: path) }
    }
}
