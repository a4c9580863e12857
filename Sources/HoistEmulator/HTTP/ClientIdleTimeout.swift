import NIOCore

/// Whether a connection is waiting on its client right now. `Connection` marks the waits (for
/// the next request head, for more body bytes); time the server spends working (an injected
/// latency, a slow disk, pacing) is never held against the client.
final class ClientWait: Sendable {
    private let waiting = Locked(0)

    /// Marks the start of a read from the client; pair with `end()`.
    func begin() { waiting.withLock { $0 += 1 } }

    func end() { waiting.withLock { $0 -= 1 } }

    var isWaitingOnClient: Bool { waiting.current > 0 }
}

/// Closes a connection whose client sent nothing for the idle timeout while the server waited on
/// it: a client that stops mid-body, or keeps an idle connection open, must not hold a connection
/// (and its task and buffers) for ever. Sits behind NIO's `IdleStateHandler`, which fires the
/// read-idle event; the event is ignored while the server itself is busy with the request.
final class ClientIdleCloser: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    let wait: ClientWait
    let counters: EmulatorCounters

    init(wait: ClientWait, counters: EmulatorCounters) {
        self.wait = wait
        self.counters = counters
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read, wait.isWaitingOnClient {
            counters.recordIdleClose()
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}
