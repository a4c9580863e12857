import Foundation

/// One view per process of whether OSS can be reached (DESIGN.md §3 "Network health is shared").
///
/// Without it, every part that hit a dead network ran its own exponential back-off, so after an
/// outage the parts slept on for up to the back-off cap although the network was back. Here a
/// network-class failure marks the network down; while it is down a single probe (a cheap signed
/// request, see `OSSClient.isReachable`) checks for its return at most `probeInterval` apart, and
/// every other part waits on this actor instead of sleeping. The first sign of life — the probe
/// answering, or any request getting any answer from OSS — wakes every waiting part at once; each
/// then adds its own small jitter so they do not all hit the service in the same millisecond.
///
/// Invariants: at most one probe loop runs at a time, and only while the network is down; every
/// waiter is resumed exactly once (network back, its give-up deadline, or its cancellation).
/// Throttling answers (`SlowDown`, 503, 429) come from OSS, so they prove the network is up.
public actor NetworkHealth {
    /// The view shared by every part and every job of this process.
    public static let shared = NetworkHealth()

    /// Longest pause between two probes while the network is down.
    public let probeInterval: Double
    /// Upper bound of the random pause each woken part adds before its retry.
    public let wakeJitter: Double
    /// Longest a probe may take before it counts as failed.
    public let probeTimeout: Double

    /// How a wait for the network ended.
    public enum Return: Sendable, Equatable {
        /// The network came back after at least one failed probe: a real outage, the failure was
        /// not this request's own, so the part retries at once (after the jitter).
        case afterOutage
        /// The network was found working without a failed probe: the failure was this request's
        /// own (a reset, a stall), so the part keeps its own back-off.
        case wasUp
        /// The give-up deadline passed while the network stayed down.
        case deadlinePassed
    }

    private var lastSuccess = ContinuousClock.now
    private var downSince: ContinuousClock.Instant?
    /// When the network last came back.
    private var lastReturn: ContinuousClock.Instant?
    private var failedProbes = 0
    private var prober: Task<Void, Never>?
    private var waiters: [UInt64: Waiter] = [:]
    private var observers: [UInt64: @Sendable (UploadEvent) -> Void] = [:]
    private var nextId: UInt64 = 0

    private struct Waiter {
        var continuation: CheckedContinuation<Return, Never>
        var deadline: ContinuousClock.Instant?
    }

    public init(probeInterval: Double = 1, wakeJitter: Double = 0.25, probeTimeout: Double = 3) {
        self.probeInterval = probeInterval
        self.wakeJitter = wakeJitter
        self.probeTimeout = probeTimeout
    }

    // MARK: Observers

    /// Registers `handler` for `.networkDown` / `.networkBack`; every job of the process
    /// registers its own, so each prints the outage once.
    public func observe(_ handler: @escaping @Sendable (UploadEvent) -> Void) -> UInt64 {
        nextId += 1
        observers[nextId] = handler
        return nextId
    }

    public func stopObserving(_ token: UInt64) {
        observers[token] = nil
    }

    // MARK: Reports

    /// A request that began at `startedAt` succeeded (2xx): the give-up clock restarts, and the
    /// network is up unless the request began before the outage (an exchange already under way
    /// on an old connection says nothing about new ones).
    public func succeeded(startedAt: ContinuousClock.Instant) {
        lastSuccess = .now
        reachable(startedAt: startedAt)
    }

    /// OSS answered (any status with its request id) a request that began at `startedAt`.
    public func reachable(startedAt: ContinuousClock.Instant) {
        guard let since = downSince, startedAt >= since else { return }
        networkIsBack()
    }

    private func networkIsBack() {
        guard let since = downSince else { return }
        let seconds = RetryPolicy.seconds(ContinuousClock.now - since)
        let wasOutage = failedProbes > 0
        downSince = nil
        lastReturn = .now
        failedProbes = 0
        prober?.cancel()
        prober = nil
        let woken = waiters
        waiters = [:]
        for waiter in woken.values { waiter.continuation.resume(returning: wasOutage ? .afterOutage : .wasUp) }
        if wasOutage { notify(.networkBack(afterSeconds: seconds)) }
    }

    /// A job starts: a stale last success from an idle period must not count against its bound.
    public func jobStarted() {
        if downSince == nil { lastSuccess = .now }
    }

    /// Seconds since any request of this process last succeeded (`--give-up-after` counts this).
    public func secondsSinceLastSuccess() -> Double {
        RetryPolicy.seconds(ContinuousClock.now - lastSuccess)
    }

    public var isDown: Bool { downSince != nil }

    // MARK: Waiting

    /// A request that began at `startedAt` failed below HTTP (connection refused or dropped,
    /// timeout, DNS): marks the network down and suspends until it is back, running `probe`
    /// (one loop for all waiters) meanwhile. The outage is announced only once a probe confirms
    /// it, so a single reset on a working network prints nothing. `giveUpAfter` is measured from
    /// the last success of any request.
    public func waitAfterFailure(startedAt: ContinuousClock.Instant, giveUpAfter: Double?,
                                 probe: @escaping @Sendable () async -> Bool) async -> Return {
        if downSince == nil {
            // The outage that broke this request may already be over: retry at once.
            if let lastReturn, lastReturn > startedAt { return .afterOutage }
            downSince = .now
            failedProbes = 0
        }
        let deadline = giveUpAfter.map { lastSuccess + .milliseconds(Int64($0 * 1000)) }
        if let deadline, deadline <= .now { return .deadlinePassed }
        nextId += 1
        let id = nextId
        startProbing(probe)
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if Task.isCancelled {
                    continuation.resume(returning: .wasUp)
                } else {
                    waiters[id] = Waiter(continuation: continuation, deadline: deadline)
                }
            }
        } onCancel: {
            Task { await self.cancelWaiter(id) }
        }
    }

    private func cancelWaiter(_ id: UInt64) {
        waiters.removeValue(forKey: id)?.continuation.resume(returning: .wasUp)
        if waiters.isEmpty { stopProbing() }
    }

    private func startProbing(_ probe: @escaping @Sendable () async -> Bool) {
        guard prober == nil else { return }
        let interval = probeInterval
        prober = Task {
            while !Task.isCancelled {
                let started = ContinuousClock.now
                if await probe() {
                    self.networkIsBack()
                    return
                }
                guard !Task.isCancelled else { return }
                self.probeFailed()
                let pause = interval - RetryPolicy.seconds(ContinuousClock.now - started)
                if pause > 0 { try? await Task.sleep(for: .milliseconds(Int64(pause * 1000))) }
            }
        }
    }

    private func stopProbing() {
        prober?.cancel()
        prober = nil
    }

    private func probeFailed() {
        guard downSince != nil else { return }
        failedProbes += 1
        if failedProbes == 1 { notify(.networkDown) }
        let now = ContinuousClock.now
        for (id, waiter) in waiters {
            if let deadline = waiter.deadline, deadline <= now {
                waiters[id] = nil
                waiter.continuation.resume(returning: .deadlinePassed)
            }
        }
        if waiters.isEmpty { stopProbing() }
    }

    private func notify(_ event: UploadEvent) {
        for handler in observers.values { handler(event) }
    }

    /// A random pause in `0 ..< wakeJitter`, so woken parts do not retry in one burst.
    nonisolated func jitter() -> Duration {
        .milliseconds(Int64(Double.random(in: 0..<max(wakeJitter, 0.001)) * 1000))
    }
}
