import Foundation
import HoistCore
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// The OSS and ECS emulator: an HTTP/1.1 server on SwiftNIO, both APIs on one port.
///
/// Start one per test on port 0, drive it over real HTTP, and use `faults`, `counters` and the
/// upload controls in-process; or run it as `hoist emulator` and use the admin endpoint
/// (`AdminService`). Request bodies are streamed, hashed and written as they arrive, so memory
/// does not grow with part or object size.
public final class EmulatorServer: Sendable {
    /// The bound port (the chosen one when the config asked for 0).
    public let port: Int
    /// `http://HOST:PORT`, usable for path-style requests and the admin endpoint.
    public let baseURL: String
    /// Live fault rules.
    public let faults: FaultInjector
    /// Live request counters (per operation; ECS actions count under their `Action` name).
    public let counters: EmulatorCounters
    /// The emulated ECS: settings, imported images, ECS counters.
    public let ecs: ECSControl
    /// Where bytes are stored; nil in discard mode.
    public let dataDirectory: String?

    private let group: MultiThreadedEventLoopGroup
    private let pool: NIOThreadPool
    private let serverChannel: any Channel
    private let serving: Task<Void, Never>
    private let uploadControl: UploadControl
    private let removeDataOnShutdown: Bool
    private let stopped = Locked(false)

    public static func start(_ config: EmulatorConfig, logger: Logger = Logger(label: "hoist.emulator")) async throws -> EmulatorServer {
        let threads = config.eventLoopThreads > 0 ? config.eventLoopThreads : System.coreCount
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        let pool = NIOThreadPool(numberOfThreads: max(2, threads))
        pool.start()
        do {
            return try await start(config, group: group, pool: pool, logger: logger)
        } catch {
            try? await pool.shutdownGracefully()
            try? await group.shutdownGracefully()
            throw error
        }
    }

    private static func start(_ config: EmulatorConfig, group: MultiThreadedEventLoopGroup, pool: NIOThreadPool,
                              logger: Logger) async throws -> EmulatorServer {
        let root: String?
        switch config.storage {
        case .discard: root = nil
        case .directory(let path): root = path
        case .temporaryDirectory: root = NSTemporaryDirectory() + "hoist-emulator-" + UUID().uuidString
        }
        let blobs = try BlobStore(root: root, pool: pool, discardComputesMD5: config.discardComputesMD5)
        let store = OSSStore()
        for bucket in config.buckets { store.createBucket(bucket, now: Date()) }
        let counters = EmulatorCounters()
        let faults = FaultInjector(config.faults, counters: counters)
        let uploads = UploadControl(store: store, blobs: blobs)
        let authenticator: any OSSAuthenticator = config.authentication
            ? makeAuthenticator(config) : OpenAccess()
        let oss = OSSService(store: store, blobs: blobs, authenticator: authenticator, counters: counters,
                             region: config.region, minPartSize: Int64(config.minPartSize), logger: logger)
        let registry = ECSImageRegistry(settings: config.ecs)
        let ecs = ECSControl(registry: registry, clock: { faults.now })
        let ecsService = ECSService(registry: registry, store: store, probe: ECSObjectProbe(blobs: blobs),
                                    authenticator: ECSAuthenticator(keys: config.accessKeys, enabled: config.authentication),
                                    region: config.region, logger: logger)
        // Order matters: the first service that claims a request gets it. ECS claims only RPC
        // requests (Action / x-acs-action), so it goes before OSS, which takes the rest.
        let admin = AdminService(faults: faults, counters: counters, uploads: uploads, ecs: ecs)
        let router = ServiceRouter(services: [admin, ecsService, oss])
        let connection = Connection(router: router, faults: faults, counters: counters, logger: logger)

        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 4096, initial: 256 << 10, maximum: 1 << 20))
            .bind(host: config.host, port: config.port) { child in
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
        let port = channel.channel.localAddress?.port ?? config.port
        let shownHost = (config.host == "0.0.0.0" || config.host == "::") ? "127.0.0.1" : config.host
        return EmulatorServer(port: port, baseURL: "http://\(shownHost):\(port)", faults: faults, counters: counters, ecs: ecs,
                              dataDirectory: root, group: group, pool: pool, serverChannel: channel.channel,
                              serving: serving, uploadControl: uploads,
                              removeDataOnShutdown: config.storage == .temporaryDirectory)
    }

    private init(port: Int, baseURL: String, faults: FaultInjector, counters: EmulatorCounters, ecs: ECSControl, dataDirectory: String?,
                 group: MultiThreadedEventLoopGroup, pool: NIOThreadPool, serverChannel: any Channel,
                 serving: Task<Void, Never>, uploadControl: UploadControl, removeDataOnShutdown: Bool) {
        self.port = port
        self.baseURL = baseURL
        self.faults = faults
        self.counters = counters
        self.ecs = ecs
        self.dataDirectory = dataDirectory
        self.group = group
        self.pool = pool
        self.serverChannel = serverChannel
        self.serving = serving
        self.uploadControl = uploadControl
        self.removeDataOnShutdown = removeDataOnShutdown
    }

    /// Stops accepting, closes open connections, stops the threads and, for a temporary data
    /// directory, deletes it. Safe to call twice.
    public func shutdown() async throws {
        let already = stopped.withLock { s -> Bool in defer { s = true }; return s }
        if already { return }
        // Close first and let the accept loop drain on its own: once the close completes no
        // connection can be accepted any more, and every child already accepted is still taken
        // from the stream and served (then cancelled). Cancelling the loop before it drained left
        // accepted children unread, and NIO traps on an NIOAsyncChannel dropped without `finish()`
        // (seen when a client connected during a restart).
        try? await serverChannel.close()
        await serving.value
        try await pool.shutdownGracefully()
        try await group.shutdownGracefully()
        if removeDataOnShutdown, let dataDirectory {
            try? FileManager.default.removeItem(atPath: dataDirectory)
        }
    }

    // MARK: Upload controls (also on the admin endpoint)

    /// Open uploads and their parts.
    public func uploads() -> [UploadSummary] { uploadControl.list() }

    /// Expires an upload: afterwards every request with its id gets `NoSuchUpload`.
    @discardableResult
    public func expireUpload(_ uploadId: String) async -> Bool { await uploadControl.expire(uploadId) }

    /// Deletes stored parts of an upload (all when `parts` is nil); returns the removed numbers.
    @discardableResult
    public func deleteParts(uploadId: String, parts: [Int]? = nil) async -> [Int]? {
        await uploadControl.deleteParts(uploadId, parts: parts)
    }
}

extension EmulatorServer {
    /// The signature checker for a config with authentication on.
    static func makeAuthenticator(_ config: EmulatorConfig) -> any OSSAuthenticator {
        VerifyingAuthenticator(verifier: OSSRequestVerifier(keys: config.accessKeys, region: config.region))
    }
}
