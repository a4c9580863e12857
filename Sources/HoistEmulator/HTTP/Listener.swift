import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// One bound port serving HTTP/1.1 through a `Connection`: the main OSS/ECS/STS port, and the
/// metadata service's own port when one runs.
///
/// Invariant: once `close()` returns, no connection is accepted any more and every connection this
/// listener accepted has been closed.
struct Listener: Sendable {
    let port: Int
    /// `http://HOST:PORT`, with a wildcard host shown as loopback.
    let baseURL: String
    private let channel: any Channel
    private let serving: Task<Void, Never>

    static func bind(host: String, port: Int, group: MultiThreadedEventLoopGroup, config: EmulatorConfig,
                     connection: Connection, counters: EmulatorCounters, logger: Logger) async throws -> Listener {
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 4096, initial: 256 << 10, maximum: 1 << 20))
            .bind(host: host, port: port) { child in
                child.eventLoop.makeCompletedFuture {
                    let wait = ClientWait()
                    if let idle = config.idleTimeoutSeconds, idle > 0 {
                        try child.pipeline.syncOperations.addHandlers(
                            IdleStateHandler(readTimeout: .milliseconds(Int64(idle * 1000))),
                            ClientIdleCloser(wait: wait, counters: counters))
                    }
                    // No pipelining assistance: `Connection` reads one request at a time and answers it
                    // before reading the next, so the handler adds nothing, and it asserts when an
                    // early answer (an error before `100 Continue`) precedes the request's end.
                    try child.pipeline.syncOperations.configureHTTPServerPipeline(
                        withPipeliningAssistance: false, withErrorHandling: true)
                    let channel = try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(
                        wrappingChannelSynchronously: child,
                        configuration: .init(backPressureStrategy: .init(lowWatermark: 4, highWatermark: 16))
                    )
                    return (channel, wait)
                }
            }
        let serving = Task {
            await withDiscardingTaskGroup { tasks in
                do {
                    try await channel.executeThenClose { inbound in
                        for try await (client, wait) in inbound {
                            tasks.addTask { await connection.serve(client, wait: wait) }
                        }
                    }
                } catch {
                    logger.debug("accept loop ended: \(error)")
                }
                tasks.cancelAll()
            }
        }
        let bound = channel.channel.localAddress?.port ?? port
        let shownHost = (host == "0.0.0.0" || host == "::") ? "127.0.0.1" : host
        return Listener(port: bound, baseURL: "http://\(shownHost):\(bound)", channel: channel.channel, serving: serving)
    }

    /// Stops accepting and waits for the accept loop to end.
    ///
    /// Close first and let the accept loop drain on its own: once the close completes no
    /// connection can be accepted any more, and every child already accepted is still taken
    /// from the stream and served (then cancelled). Cancelling the loop before it drained left
    /// accepted children unread, and NIO traps on an NIOAsyncChannel dropped without `finish()`
    /// (seen when a client connected during a restart).
    func close() async {
        try? await channel.close()
        await serving.value
    }
}
