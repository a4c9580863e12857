/// The HTTP client every OSS and ECS call goes through: one libcurl multi handle on its own
/// thread (see `TransferLoop`), with many requests in flight over reused connections.
///
/// `send` suspends the calling task until libcurl finishes. Cancelling the task removes the
/// transfer from libcurl at once and throws `TransportError` of kind `.cancelled`. HTTP error
/// statuses are returned, not thrown; only failures below HTTP throw.
public final class Transport: Sendable {
    public let options: TransportOptions
    /// The budget every request body draws from (see `TransferThrottle`); nil: no cap.
    public let bandwidth: BandwidthBudget?
    private let loop: TransferLoop

    public init(options: TransportOptions = TransportOptions(), bandwidth: BandwidthBudget? = nil) throws {
        self.options = options
        self.bandwidth = bandwidth
        self.loop = try TransferLoop(options: options, bandwidth: bandwidth)
    }

    deinit {
        loop.stop()
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
        let transfer = try Transfer(id: loop.nextID(), request: request, options: options, onProgress: onProgress)
        let id = transfer.id
        let loop = self.loop
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPResponse, any Error>) in
                transfer.continuation = continuation
                loop.submit(transfer)
            }
        } onCancel: {
            loop.cancel(id)
        }
    }

    /// Fails every request in flight with `.cancelled` and stops the transport thread. Later
    /// `send` calls throw at once. Idempotent; `deinit` calls it too.
    public func shutdown() {
        loop.stop()
    }
}
