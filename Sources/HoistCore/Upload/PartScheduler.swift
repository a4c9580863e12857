/// Keeps up to `parallel` parts in flight until every part is done.
///
/// With a `budget` (the runtime's `PartBudget`), each part also holds one of the process's
/// slots while it runs, so several uploads at once share `budget.size` parts in flight instead
/// of each running `parallel`. A part waiting for a slot has not started: it sends nothing.
///
/// Retries live inside each part's work (see `PartUpload`), so a part that keeps failing only
/// occupies its own slot while the others go on. The scheduler stops early only when a part
/// throws, which the part does only for failures no retry can fix (credentials, a vanished
/// upload, a changed source, cancellation); the remaining parts are then cancelled, and the
/// first error is rethrown.
public struct PartScheduler: Sendable {
    public let parallel: Int
    public let budget: PartBudget?

    public init(parallel: Int, budget: PartBudget? = nil) {
        self.parallel = max(1, parallel)
        self.budget = budget
    }

    /// Runs `work` for every part, lowest part numbers first, at most `parallel` at a time.
    public func run(
        _ parts: [PartPlan.Part],
        _ work: @escaping @Sendable (PartPlan.Part) async throws -> Void
    ) async throws {
        let send: @Sendable (PartPlan.Part) async throws -> Void = if let budget {
            { part in try await budget.withSlot { try await work(part) } }
        } else {
            work
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            var pending = parts.makeIterator()
            var running = 0
            while running < parallel, let part = pending.next() {
                group.addTask { try await send(part) }
                running += 1
            }
            do {
                while try await group.next() != nil {
                    running -= 1
                    try Task.checkCancellation()
                    if let part = pending.next() {
                        group.addTask { try await send(part) }
                        running += 1
                    }
                }
            } catch {
                // The group waits for the cancelled parts before returning, so the caller sees a
                // quiet state (their journal writes are not interrupted).
                group.cancelAll()
                throw error
            }
        }
    }
}
