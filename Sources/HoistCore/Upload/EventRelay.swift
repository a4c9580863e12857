import Foundation

/// Carries engine events to their consumer without ever making the engine wait for it.
///
/// Events are posted from wherever they happen, including libcurl's progress callback on the
/// transport thread; a consumer that blocks (a full stdout pipe, a slow terminal) used to block
/// that thread and with it every part in flight. Here `post` only appends to a queue, and one
/// dedicated thread drains the queue into the consumer in order.
///
/// It is a thread rather than a task on purpose: a consumer that blocks in `write(2)` would hold
/// a thread of the cooperative pool, and on a small machine that pool is one or two threads, so
/// the engine's own tasks would stop with it.
///
/// Invariants: state events (everything but `.progress`) are delivered exactly once, in the order
/// posted; while the consumer is behind, queued progress snapshots are coalesced so only the
/// newest waits (it is a snapshot, so nothing is lost by skipping older ones) and the queue
/// stays bounded by the number of state events.
final class EventRelay: Sendable {
    private let queue: EventQueue

    init(_ consumer: @escaping @Sendable (UploadEvent) -> Void) {
        let queue = EventQueue()
        self.queue = queue
        let thread = Thread { queue.drain(into: consumer) }
        thread.name = "hoist-events"
        thread.start()
    }

    deinit {
        queue.close()
    }

    /// Queues `event`; never blocks on the consumer.
    func post(_ event: UploadEvent) {
        queue.append(event)
    }

    /// Returns once every event posted before the call has been handed to the consumer (and the
    /// consumer returned), so a summary printed afterwards comes after them.
    func flush() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.whenDrained { continuation.resume() }
        }
    }
}

/// The queue behind `EventRelay`, shared with its drain thread.
private final class EventQueue: @unchecked Sendable {
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var pending: [UploadEvent] = []
    private var drainedCallbacks: [@Sendable () -> Void] = []
    private var delivering = false
    private var closed = false

    func append(_ event: UploadEvent) {
        condition.withLock {
            if case .progress = event, case .progress = pending.last {
                pending[pending.count - 1] = event
            } else {
                pending.append(event)
            }
            condition.signal()
        }
    }

    func whenDrained(_ callback: @escaping @Sendable () -> Void) {
        let now: Bool = condition.withLock {
            if pending.isEmpty && !delivering { return true }
            drainedCallbacks.append(callback)
            return false
        }
        if now { callback() }
    }

    func close() {
        condition.withLock {
            closed = true
            condition.signal()
        }
    }

    /// The drain thread's loop; ends once closed and empty.
    func drain(into consumer: @Sendable (UploadEvent) -> Void) {
        while true {
            condition.lock()
            while pending.isEmpty && !closed { condition.wait() }
            if pending.isEmpty && closed {
                let callbacks = drainedCallbacks
                drainedCallbacks = []
                condition.unlock()
                callbacks.forEach { $0() }
                return
            }
            let batch = pending
            pending = []
            delivering = true
            condition.unlock()

            for event in batch { consumer(event) }

            let callbacks: [@Sendable () -> Void] = condition.withLock {
                delivering = false
                guard pending.isEmpty else { return [] }
                let ready = drainedCallbacks
                drainedCallbacks = []
                return ready
            }
            callbacks.forEach { $0() }
        }
    }
}
