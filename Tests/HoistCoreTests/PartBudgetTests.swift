import Foundation
@testable import HoistCore
import Testing

/// The process-wide budget of parts in flight: a bound across uploads, handed out in arrival
/// order, and never leaked by a part that throws or is cancelled. Orders are forced by waiting
/// on the budget's own gauges, never on time.
@Suite struct PartBudgetTests {
    func parts(_ count: Int) -> [PartPlan.Part] {
        (1...count).map { PartPlan.Part(number: $0, offset: Int64($0 - 1) * 10, length: 10) }
    }

    /// Two schedulers of 4 share a budget of 4: never more than 4 parts run at once, both finish,
    /// and the second one's parts run while the first still has parts to send. The first four
    /// parts to start hold their slots until the other four are queued, so both uploads are
    /// surely competing.
    @Test func twoUploadsShareOneBudget() async throws {
        let budget = PartBudget(size: 4)
        let inFlight = LockedCount()
        let started = LockedCount()
        let gate = LockedCount()
        let peak = LockedList<Int>()
        let order = LockedList<String>()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for name in ["a", "b"] {
                group.addTask {
                    try await PartScheduler(parallel: 4, budget: budget).run(parts(20)) { part in
                        peak.append(inFlight.increment())
                        if started.increment() <= 4 {
                            // Latched: once one holder saw the other four queued, none of them releases
                            // before it has opened the gate for all.
                            try await Self.waitFor { gate.value > 0 || budget.waiting == 4 }
                            gate.increment()
                        }
                        inFlight.decrement()
                        order.append("\(name)\(part.number)")
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(peak.values.max() == 4)
        #expect(order.values.count == 40)
        #expect(budget.inUse == 0 && budget.waiting == 0)
        // Fair: neither upload ran all its parts before the other started.
        let firstB = try #require(order.values.firstIndex { $0.hasPrefix("b") })
        let lastA = try #require(order.values.lastIndex { $0.hasPrefix("a") })
        let firstA = try #require(order.values.firstIndex { $0.hasPrefix("a") })
        let lastB = try #require(order.values.lastIndex { $0.hasPrefix("b") })
        #expect(firstB < lastA && firstA < lastB, "\(order.values)")
    }

    /// A freed slot goes to the longest waiter.
    @Test func slotsGoToWaitersInArrivalOrder() async throws {
        let budget = PartBudget(size: 1)
        try await budget.acquire()
        let served = LockedList<Int>()
        var waiters: [Task<Void, any Error>] = []
        for n in 1...3 {
            waiters.append(Task {
                try await budget.acquire()
                served.append(n)
            })
            try await waitFor { budget.waiting == n }
        }
        for n in 1...3 {
            budget.release()
            try await waitFor { served.values.count == n }
        }
        for waiter in waiters { try await waiter.value }
        #expect(served.values == [1, 2, 3])
        budget.release()
        #expect(budget.inUse == 0)
    }

    /// A waiter cancelled in line leaves it holding nothing; a part that throws gives its slot back.
    @Test func cancelledWaitersAndFailingPartsHoldNoSlot() async throws {
        let budget = PartBudget(size: 1)
        try await budget.acquire()
        let waiter = Task { try await budget.acquire() }
        try await waitFor { budget.waiting == 1 }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        #expect(budget.waiting == 0 && budget.inUse == 1)
        budget.release()
        await #expect(throws: UploadFailure.interrupted) {
            try await budget.withSlot { throw UploadFailure.interrupted }
        }
        #expect(budget.inUse == 0)
    }

    /// Polls `condition` until it holds; the bound only turns a hang into a failure.
    func waitFor(_ condition: () -> Bool) async throws {
        try await PartBudgetTests.waitFor(condition)
    }

    static func waitFor(_ condition: () -> Bool) async throws {
        let deadline = Date().addingTimeInterval(60)
        while !condition() {
            try #require(Date() < deadline, "condition never held")
            await Task.yield()
        }
    }
}
