import NIOCore
import NIOHTTP1
import NIOPosix

/// Serves the Prometheus text exposition at `GET /metrics` on a loopback address; every other
/// path is 404 and every other method 405.
///
/// The exposition is rendered per scrape from `AgentMetrics`, so a scrape sees the values of that
/// instant. Every answer closes its connection (a scrape every few seconds gains nothing from
/// keep-alive), so the server owns only its listening channel, on the process's shared event
/// loop group: once `stop()` returns, nothing listens and no connection is left open for long.
public final class MetricsEndpoint: Sendable {
    /// The address actually bound (the port is the kernel's choice when 0 was asked for).
    public let address: MetricsAddress
    private let channel: any Channel

    private init(address: MetricsAddress, channel: any Channel) {
        self.address = address
        self.channel = channel
    }

    /// Starts serving `metrics` at `address` (`127.0.0.1:9464`; port 0 picks a free one).
    /// A non-loopback address is refused with `MetricsAddress.Failure.notLoopback`.
    public static func start(_ address: String, metrics: AgentMetrics) async throws -> MetricsEndpoint {
        try await start(MetricsAddress(address), metrics: metrics)
    }

    public static func start(_ address: MetricsAddress, metrics: AgentMetrics) async throws -> MetricsEndpoint {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try child.pipeline.syncOperations.addHandler(MetricsHTTPHandler(metrics: metrics))
                }
            }
            .bind(host: address.host, port: address.port)
            .get()
        let port = channel.localAddress?.port ?? address.port
        let bound = try MetricsAddress(address.host.contains(":") ? "[\(address.host)]:\(port)" : "\(address.host):\(port)")
        return MetricsEndpoint(address: bound, channel: channel)
    }

    /// Stops listening; returns once the listening socket is closed.
    public func stop() async {
        try? await channel.close()
    }
}

/// Answers the one request of a connection: `/metrics` or 404. One handler per connection,
/// used only on that connection's event loop.
final class MetricsHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let metrics: AgentMetrics
    /// The request being read, between its `.head` and its `.end`.
    private var head: HTTPRequestHead?

    init(metrics: AgentMetrics) {
        self.metrics = metrics
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
        case .body:
            break
        case .end:
            guard let head else { return }
            self.head = nil
            respond(to: head, context: context)
        }
    }

    private func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        let (status, type, body): (HTTPResponseStatus, String, String) =
            switch (head.method, path) {
            case (.GET, "/metrics"), (.HEAD, "/metrics"):
                (.ok, "text/plain; version=0.0.4; charset=utf-8", metrics.exposition())
            case (_, "/metrics"):
                (.methodNotAllowed, "text/plain; charset=utf-8", "only GET /metrics\n")
            default:
                (.notFound, "text/plain; charset=utf-8", "not found: metrics are at /metrics\n")
            }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: type)
        headers.add(name: "Content-Length", value: String(body.utf8.count))
        headers.add(name: "Connection", value: "close")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))),
                      promise: nil)
        if head.method != .HEAD {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))),
                          promise: nil)
        }
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }
}
