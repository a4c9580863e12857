/// One UploadPart whose body the emulator received in full, whatever the outcome. Resume tests
/// count these to prove which parts were sent again.
public struct PartReceipt: Codable, Sendable, Equatable {
    public var uploadId: String
    public var partNumber: Int
    public var size: Int64
    public var status: Int
}

/// A point-in-time copy of the counters.
public struct CounterSnapshot: Codable, Sendable, Equatable {
    /// Requests per operation, counted when the head arrives.
    public var requests: [String: Int] = [:]
    /// Responses per operation and HTTP status (`responses["UploadPart"]["200"]`).
    public var responses: [String: [String: Int]] = [:]
    /// Request body bytes received, in total and per operation.
    public var bodyBytes: Int64 = 0
    public var bodyBytesByOperation: [String: Int64] = [:]
    /// Every fully received UploadPart, in arrival order.
    public var parts: [PartReceipt] = []
    /// Connections closed because the client sent nothing for the idle timeout while the server
    /// waited on it.
    public var idleConnectionsClosed: Int = 0
    /// The most requests of each operation in progress at once (`requestsInProgress`) since the
    /// last reset: e.g. the connections a client really used for UploadPart.
    public var peakInProgress: [String: Int] = [:]
    /// Connections reset by the network-down fault: those open when it went down, and one per
    /// request that arrived while it was down (such requests are not counted in `requests`).
    public var networkDownResets: Int = 0

    public init() {}

    /// Requests of `operation` answered with `status`.
    public func responses(_ operation: String, status: Int) -> Int { responses[operation]?[String(status)] ?? 0 }
}

/// Live counters of a running emulator: `server.counters` in-process, `GET /_hoist/admin/counters`
/// over HTTP. Only requests to emulated services count, never admin calls.
public final class EmulatorCounters: Sendable {
    private let state = Locked(CounterSnapshot())
    private let open = Locked(0)
    private let inProgress = Locked([String: Int]())

    init() {}

    public func snapshot() -> CounterSnapshot { state.current }

    /// Client connections open now: a gauge, not a counter, so it is not in the snapshot and
    /// `reset()` leaves it alone. Tests wait for it to reach zero to know that a killed
    /// client's requests have all ended on the server.
    public var connectionsOpen: Int { open.current }

    public func reset() { state.withLock { $0 = CounterSnapshot() } }

    /// Requests of `operation` being handled now, from head until the answer starts, or until
    /// they fail (a gauge, like `connectionsOpen`). A killed client's requests end when its
    /// sockets close. The peak since the last reset is `CounterSnapshot.peakInProgress`.
    public func requestsInProgress(_ operation: String) -> Int { inProgress.current[operation] ?? 0 }

    func requestBegan(_ operation: String) {
        let now = inProgress.withLock { counts -> Int in
            counts[operation, default: 0] += 1
            return counts[operation] ?? 0
        }
        state.withLock { $0.peakInProgress[operation] = max($0.peakInProgress[operation] ?? 0, now) }
    }

    func requestEnded(_ operation: String) { inProgress.withLock { $0[operation, default: 0] -= 1 } }

    func connectionOpened() { open.withLock { $0 += 1 } }

    func connectionClosed() { open.withLock { $0 -= 1 } }

    func recordIdleClose() { state.withLock { $0.idleConnectionsClosed += 1 } }

    func recordNetworkDownResets(_ count: Int) {
        guard count > 0 else { return }
        state.withLock { $0.networkDownResets += count }
    }

    func recordRequest(operation: String) {
        state.withLock { $0.requests[operation, default: 0] += 1 }
    }

    func recordResponse(operation: String, status: Int) {
        state.withLock { $0.responses[operation, default: [:]][String(status), default: 0] += 1 }
    }

    func recordBody(operation: String, bytes: Int64) {
        guard bytes > 0 else { return }
        state.withLock {
            $0.bodyBytes += bytes
            $0.bodyBytesByOperation[operation, default: 0] += bytes
        }
    }

    func recordPart(_ receipt: PartReceipt) {
        state.withLock { $0.parts.append(receipt) }
    }
}
