import Synchronization

/// The process's budget of parts in flight: every part of every upload on one `HoistRuntime`
/// takes a slot before it starts and gives it back when it ends, so two uploads at once (the
/// agent's `max-jobs`) open no more connections than one would (`parallel`).
///
/// Fair: a slot freed goes to the part that has waited longest (FIFO), so a job started later
/// gets slots as soon as the earlier job's parts end, instead of waiting for that job to finish.
///
/// Invariants: at most `size` slots are held at any moment; a slot is handed straight from the
/// releasing part to the first waiter (never left free while someone waits); a waiter that is
/// cancelled leaves the queue and throws `CancellationError` without holding a slot.
public final class PartBudget: Sendable {
    public let size: Int

    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var held = 0
        var waiters: [Waiter] = []
        var nextId: UInt64 = 0
    }

    private let state = Mutex(State())

    public init(size: Int) {
        self.size = max(1, size)
    }

    /// Slots held now (a gauge, for tests and status).
    public var inUse: Int { state.withLock { $0.held } }

    /// Parts waiting in line for a slot now.
    public var waiting: Int { state.withLock { $0.waiters.count } }

    /// Runs `body` holding one slot, and gives it back however `body` ends.
    public func withSlot<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await acquire()
        defer { release() }
        return try await body()
    }

    /// Takes a slot, waiting in line for one when all are held. Throws `CancellationError`
    /// (holding nothing) when the task is cancelled before it gets one.
    public func acquire() async throws {
        try Task.checkCancellation()
        let id: UInt64? = state.withLock { state in
            if state.held < size, state.waiters.isEmpty {
                state.held += 1
                return nil
            }
            state.nextId += 1
            return state.nextId
        }
        guard let id else { return }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let cancelled = state.withLock { state -> Bool in
                    if Task.isCancelled { return true }
                    state.waiters.append(Waiter(id: id, continuation: continuation))
                    return false
                }
                if cancelled { continuation.resume(throwing: CancellationError()) }
            }
        } onCancel: {
            let removed = state.withLock { state -> Waiter? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index)
            }
            removed?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Gives a slot back: to the longest waiter when there is one, else to the pool.
    public func release() {
        let next = state.withLock { state -> Waiter? in
            if state.waiters.isEmpty {
                state.held = max(0, state.held - 1)
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.continuation.resume()
    }
}
