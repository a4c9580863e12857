import Foundation
@testable import HoistCore
import Testing

/// The shared network view and the retry rules that end loops (DESIGN.md §3 "Retries",
/// "Network health is shared").
struct NetworkHealthTests {
    /// A probe the test answers: false until `open` is set; records how many run at once.
    final class ControlledProbe: @unchecked Sendable {
        private let lock = NSLock()
        private var isOpen = false
        private var running = 0
        private(set) var calls = 0
        private(set) var mostAtOnce = 0

        func open() { lock.withLock { isOpen = true } }
        var callCount: Int { lock.withLock { calls } }
        var concurrency: Int { lock.withLock { mostAtOnce } }

        func probe() async -> Bool {
            lock.withLock { calls += 1; running += 1; mostAtOnce = max(mostAtOnce, running) }
            try? await Task.sleep(for: .milliseconds(5))
            return lock.withLock { running -= 1; return isOpen }
        }
    }

    final class Events: @unchecked Sendable {
        private let lock = NSLock()
        private var list: [UploadEvent] = []
        func append(_ e: UploadEvent) { lock.withLock { list.append(e) } }
        var all: [UploadEvent] { lock.withLock { list } }
    }

    @Test func manyWaitersShareOneProbeAndAllWakeWhenItSucceeds() async throws {
        let health = NetworkHealth(probeInterval: 0.01, wakeJitter: 0)
        let events = Events()
        _ = await health.observe { events.append($0) }
        let probe = ControlledProbe()
        let started = ContinuousClock.now
        let waiters = (0..<6).map { _ in
            Task { await health.waitAfterFailure(startedAt: started, giveUpAfter: nil, probe: { await probe.probe() }) }
        }
        try await poll { probe.callCount >= 5 }
        #expect(probe.concurrency == 1)
        #expect(events.all == [.networkDown])
        probe.open()
        for waiter in waiters { #expect(await waiter.value == .afterOutage) }
        #expect(await !health.isDown)
        #expect(events.all.count == 2)
        if case .networkBack = events.all.last {} else { Issue.record("no networkBack in \(events.all)") }
    }

    @Test func aSuccessOfARequestStartedDuringTheOutageWakesEveryone() async throws {
        let health = NetworkHealth(probeInterval: 0.01, wakeJitter: 0)
        let probe = ControlledProbe()
        let failedAt = ContinuousClock.now
        let waiter = Task { await health.waitAfterFailure(startedAt: failedAt, giveUpAfter: nil, probe: { await probe.probe() }) }
        try await poll { probe.callCount >= 2 }
        // A request begun before the outage proves nothing about new connections.
        await health.succeeded(startedAt: failedAt - .seconds(1))
        #expect(await health.isDown)
        await health.succeeded(startedAt: .now)
        #expect(await waiter.value == .afterOutage)
    }

    @Test func aFailureOfARequestOlderThanTheReturnRetriesAtOnce() async throws {
        let health = NetworkHealth(probeInterval: 0.01, wakeJitter: 0)
        let probe = ControlledProbe()
        let old = ContinuousClock.now
        let first = Task { await health.waitAfterFailure(startedAt: old, giveUpAfter: nil, probe: { await probe.probe() }) }
        try await poll { probe.callCount >= 2 }
        probe.open()
        #expect(await first.value == .afterOutage)
        let callsAfterReturn = probe.callCount
        #expect(await health.waitAfterFailure(startedAt: old, giveUpAfter: nil, probe: { await probe.probe() }) == .afterOutage)
        #expect(probe.callCount == callsAfterReturn)
    }

    @Test func waitersGiveUpAtTheDeadlineCountedFromTheLastSuccess() async throws {
        let health = NetworkHealth(probeInterval: 0.01, wakeJitter: 0)
        let probe = ControlledProbe()
        let result = await health.waitAfterFailure(startedAt: .now, giveUpAfter: 0.05, probe: { await probe.probe() })
        #expect(result == .deadlinePassed)
    }

    @Test func performWaitsOnTheNetworkInsteadOfItsOwnBackoff() async throws {
        let health = NetworkHealth(probeInterval: 0.01, wakeJitter: 0)
        // An hour of back-off: only the network's return can have resumed the operation.
        let policy = RetryPolicy(backoff: Backoff(base: 3600, cap: 3600), health: health)
        let probe = ControlledProbe()
        let attempts = Counter()
        let value = try await policy.perform("UploadPart 1", correctClock: { _ in }, onRetry: { _ in },
                                             probe: { await probe.probe() }) {
            let n = attempts.increment()
            if n == 1 {
                Task { try await poll { probe.callCount >= 3 }; probe.open() }
                throw TransportError(kind: .reset, message: "connection reset by peer")
            }
            return n
        }
        #expect(value == 2)
    }

    @Test func notImplementedIsFinal() {
        let error = OSSError(code: "NotImplemented", message: "x", requestId: "R", httpStatus: 501)
        #expect(RetryPolicy.classify(error) == .fatal)
        #expect(RetryPolicy.classify(OSSError(code: "InternalError", message: "x", httpStatus: 500))
            == .transient(serverDelay: nil))
    }

    @Test func aMissingCRCHeaderIsNamedAndNotRetried() async {
        let policy = RetryPolicy(backoff: Backoff(base: 0.001, cap: 0.001), health: NetworkHealth())
        let attempts = Counter()
        do {
            _ = try await policy.perform("UploadPart 3", correctClock: { _ in }, onRetry: { _ in }) {
                attempts.increment()
                throw PartCheckFailure(partNumber: 3, sentCRC64: 7, serverCRC64: nil)
            }
            Issue.record("expected a failure")
        } catch let failure as UploadFailure {
            #expect(failure == .crcHeaderMissing(operation: "UploadPart 3"))
            #expect(failure.category == .unverifiable)
            #expect(failure.description.contains("x-oss-hash-crc64ecma"))
        } catch {
            Issue.record("unexpected \(error)")
        }
        #expect(attempts.value == 1)
    }

    @Test(arguments: [407, 404])
    func identicalForeignAnswersBecomeANamedError(status: Int) async {
        let policy = RetryPolicy(backoff: Backoff(base: 0.001, cap: 0.001), health: NetworkHealth())
        let attempts = Counter()
        do {
            _ = try await policy.perform("InitiateMultipartUpload", correctClock: { _ in }, onRetry: { _ in }) {
                attempts.increment()
                throw OSSError(response: HTTPResponse(status: status, headers: [], body: Array("<html/>".utf8)), key: "k")
            }
            Issue.record("expected a failure")
        } catch let failure as UploadFailure {
            #expect(failure == .notOSS(operation: "InitiateMultipartUpload", status: status))
            #expect(failure.category == .service)
            #expect(failure.description.contains(status == 407 ? "proxy" : "not OSS"))
        } catch {
            Issue.record("unexpected \(error)")
        }
        #expect(attempts.value == 3)
    }

    private func poll(_ condition: () -> Bool) async throws {
        let deadline = Date().addingTimeInterval(30)
        while !condition() {
            guard Date() < deadline else { throw CancellationError() }
            try await Task.sleep(for: .milliseconds(2))
        }
    }
}

/// A thread-safe counter for closures that run on the retry loop.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    @discardableResult func increment() -> Int { lock.withLock { count += 1; return count } }
    var value: Int { lock.withLock { count } }
}
