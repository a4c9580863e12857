import Synchronization

/// The process's budget of parts in flight: every part of every upload on one `HoistRuntime`
/// takes a slot before it starts and gives it back when it ends, so two uploads at once (the
/// agent's `max-jobs`) open no more connections than one would (`parallel`).
///
/// Fair: a slot freed goes to the part that has waited longest (FIFO), so a job started later
/// gets slots as soon as the earlier job's parts end, instead of waiting for that job to finish.
///
/// With a `ConcurrencyTuner` (`--parallel auto`) the size is not fixed: parts report the bytes
/// they put on the wire (`sent(bytes:)`), and every `tuningInterval` the throughput of the
/// interval goes to the tuner, whose answer becomes the new size. Bytes on the wire, not parts
/// ended, so that an interval lasts the same time whatever the part size: with 64 MiB parts and
/// dozens in flight, waiting for parts to end would make one measure take minutes. An interval
/// counts only when parts waited in line during it, i.e. more parts would have run if allowed:
/// an upload's tail, or a pause between jobs, says nothing about the link. After the size
/// shrank, measuring starts again only once the extra holders have ended, so an interval
/// measures the size it is credited to.
///
/// Invariants: at most `size` slots are held at any moment, except right after the size shrank,
/// when the extra holders finish and no waiter gets their slots; a slot is handed straight from
/// the releasing part to the first waiter (never left free while someone waits and the size
/// allows); a waiter that is cancelled leaves the queue and throws `CancellationError` without
/// holding a slot.
public final class PartBudget: Sendable {
    /// The tuner's measuring interval: long enough to span many round trips of a WAN and the
    /// start of the parts a new size let in, short enough that the search ends within a minute.
    public static let tuningInterval: Duration = .seconds(2)

    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct Tuning {
        var tuner: ConcurrencyTuner
        var bytes: Int64 = 0
        var since: ContinuousClock.Instant
        /// A part waited in line during this interval: the budget, not the demand, was the limit.
        var saturated = false
    }

    private struct State {
        var size: Int
        var tuning: Tuning?
        var held = 0
        var waiters: [Waiter] = []
        var nextId: UInt64 = 0
    }

    private let state: Mutex<State>

    /// A fixed budget of `size` slots.
    public init(size: Int) {
        state = Mutex(State(size: max(1, size)))
    }

    /// A budget sized by `tuner`, starting at its level; its first interval begins `at`.
    public init(tuner: ConcurrencyTuner, at start: ContinuousClock.Instant = .now) {
        state = Mutex(State(size: tuner.level, tuning: Tuning(tuner: tuner, since: start)))
    }

    /// Slots the budget allows now.
    public var size: Int { state.withLock { $0.size } }

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
            if state.held < state.size, state.waiters.isEmpty {
                state.held += 1
                return nil
            }
            state.tuning?.saturated = true
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

    /// Gives a slot back: to the longest waiter when there is one and the size allows, else to
    /// the pool.
    public func release() {
        let next = state.withLock { state -> Waiter? in
            if state.waiters.isEmpty || state.held > state.size {
                state.held = max(0, state.held - 1)
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.continuation.resume()
    }

    /// A part put `bytes` more on the wire: with a tuner, counts toward the current interval,
    /// and when the interval is complete, resizes the budget to the tuner's new level.
    public func sent(bytes: Int64, now: ContinuousClock.Instant = .now) {
        let woken = state.withLock { state -> [Waiter] in
            guard var tuning = state.tuning else { return [] }
            if state.held > state.size {
                // Still draining after a shrink: this is not yet the size being measured.
                tuning.bytes = 0
                tuning.since = now
                tuning.saturated = !state.waiters.isEmpty
                state.tuning = tuning
                return []
            }
            tuning.bytes += bytes
            let elapsed = now - tuning.since
            guard elapsed >= Self.tuningInterval else {
                state.tuning = tuning
                return []
            }
            if tuning.saturated {
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                tuning.tuner.record(Double(tuning.bytes) / seconds)
            }
            tuning.bytes = 0
            tuning.since = now
            tuning.saturated = !state.waiters.isEmpty
            state.tuning = tuning
            state.size = tuning.tuner.level
            // A larger size lets waiters in now rather than at the next release.
            var woken: [Waiter] = []
            while state.held < state.size, !state.waiters.isEmpty {
                state.held += 1
                woken.append(state.waiters.removeFirst())
            }
            return woken
        }
        for waiter in woken { waiter.continuation.resume() }
    }

    /// The tuner's state (nil for a fixed budget), for status and tests.
    public var tuner: ConcurrencyTuner? { state.withLock { $0.tuning?.tuner } }
}
