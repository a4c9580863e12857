import Synchronization

/// The HTTP client every OSS and ECS call goes through: libcurl multi handles, each on its own
/// thread (see `TransferLoop`), with many requests in flight over reused connections. A request
/// goes to the thread with the fewest in flight, so parts in flight spread over
/// `TransportOptions.threads` cores instead of one thread moving every byte.
///
/// `send` suspends the calling task until libcurl finishes. Cancelling the task removes the
/// transfer from libcurl at once and throws `TransportError` of kind `.cancelled`. HTTP error
/// statuses are returned, not thrown; only failures below HTTP throw.
public final class Transport: Sendable {
    public let options: TransportOptions
    /// The budget every request body draws from (see `TransferThrottle`); nil: no cap.
    public let bandwidth: BandwidthBudget?
    private let loops: [TransferLoop]

    public init(options: TransportOptions = TransportOptions(), bandwidth: BandwidthBudget? = nil) throws {
        self.options = options
        self.bandwidth = bandwidth
        // `maxHostConnections` bounds the whole transport: each loop gets its share, and there
        // are never more loops than connections allowed.
        var threads = max(1, options.threads)
        var perLoop = options
        if options.maxHostConnections > 0 {
            threads = min(threads, options.maxHostConnections)
            perLoop.maxHostConnections = options.maxHostConnections / threads
        }
        self.loops = try (0..<threads).map { _ in try TransferLoop(options: perLoop, bandwidth: bandwidth) }
    }

    deinit {
        for loop in loops { loop.stop() }
    }

    /// The loop with the fewest transfers in flight (the first of equals, so a lone request
    /// always takes the same one and reuses its connections).
    private func leastLoaded() -> TransferLoop {
        loops.min { $0.inFlight.load(ordering: .relaxed) < $1.inFlight.load(ordering: .relaxed) } ?? loops[0]
    }

    /// Sends one request; many may be in flight at once. `onProgress` receives request body
    /// bytes handed to libcurl so far (called from the transport thread, so it must be cheap and
    /// must not block). Throws `TransportError`.
    public func send(_ request: HTTPRequest, onProgress: (@Sendable (Int64) -> Void)? = nil) async throws -> HTTPResponse {
        var options = self.options
        if let bandwidth {
            // A capped transfer is slow on purpose; its stall threshold follows its fair share.
            let connections = options.maxHostConnections > 0 ? options.maxHostConnections : 16
            options.stallBytesPerSecond = bandwidth.stallThreshold(standard: options.stallBytesPerSecond,
                                                                   connections: connections)
        }
        let loop = leastLoaded()
        let transfer = try Transfer(id: loop.nextID(), request: request, options: options, onProgress: onProgress)
        let id = transfer.id
        loop.inFlight.add(1, ordering: .relaxed)
        defer { loop.inFlight.subtract(1, ordering: .relaxed) }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPResponse, any Error>) in
                transfer.continuation = continuation
                loop.submit(transfer)
            }
        } onCancel: {
            loop.cancel(id)
        }
    }

    /// Fails every request in flight with `.cancelled` and stops the transport threads. Later
    /// `send` calls throw at once. Idempotent; `deinit` calls it too.
    public func shutdown() {
        for loop in loops { loop.stop() }
    }
}
