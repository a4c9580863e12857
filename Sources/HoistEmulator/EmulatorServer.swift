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
    /// nil while the network is disconnected (and after shutdown).
    private let listener: Locked<EmulatorListener?>
    /// Binds a new listener on the given port, serving with this server's state.
    private let relisten: @Sendable (Int) async throws -> EmulatorListener
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
        let faults = FaultInjector(config.faults)
        let counters = EmulatorCounters()
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

        let listener = try await EmulatorListener.bind(host: config.host, port: config.port, config: config, group: group,
                                                       connection: connection, counters: counters, logger: logger)
        let port = listener.channel.localAddress?.port ?? config.port
        let shownHost = (config.host == "0.0.0.0" || config.host == "::") ? "127.0.0.1" : config.host
        return EmulatorServer(port: port, baseURL: "http://\(shownHost):\(port)", faults: faults, counters: counters, ecs: ecs,
                              dataDirectory: root, group: group, pool: pool, listener: listener,
                              relisten: { port in
                                  try await EmulatorListener.bind(host: config.host, port: port, config: config, group: group,
                                                                  connection: connection, counters: counters, logger: logger)
                              },
                              uploadControl: uploads,
                              removeDataOnShutdown: config.storage == .temporaryDirectory)
    }

    private init(port: Int, baseURL: String, faults: FaultInjector, counters: EmulatorCounters, ecs: ECSControl, dataDirectory: String?,
                 group: MultiThreadedEventLoopGroup, pool: NIOThreadPool, listener: EmulatorListener,
                 relisten: @escaping @Sendable (Int) async throws -> EmulatorListener,
                 uploadControl: UploadControl, removeDataOnShutdown: Bool) {
        self.port = port
        self.baseURL = baseURL
        self.faults = faults
        self.counters = counters
        self.ecs = ecs
        self.dataDirectory = dataDirectory
        self.group = group
        self.pool = pool
        self.listener = Locked(listener)
        self.relisten = relisten
        self.uploadControl = uploadControl
        self.removeDataOnShutdown = removeDataOnShutdown
    }

    /// Stops accepting, closes open connections, stops the threads and, for a temporary data
    /// directory, deletes it. Safe to call twice.
    public func shutdown() async throws {
        let already = stopped.withLock { s -> Bool in defer { s = true }; return s }
        if already { return }
        await listener.withLock { l -> EmulatorListener? in defer { l = nil }; return l }?.close()
        try await pool.shutdownGracefully()
        try await group.shutdownGracefully()
        if removeDataOnShutdown, let dataDirectory {
            try? FileManager.default.removeItem(atPath: dataDirectory)
        }
    }

    // MARK: Network cable

    /// Makes the server unreachable, as a pulled cable or a lost route looks to a client: open
    /// connections are closed and new ones refused, while buckets, open uploads, stored parts
    /// and imports stay as they are (a restart would forget the in-memory uploads). Safe to call
    /// when already disconnected.
    public func disconnectNetwork() async {
        await listener.withLock { l -> EmulatorListener? in defer { l = nil }; return l }?.close()
    }

    /// Makes the server reachable again on the same port. The old socket may linger a moment, so
    /// binding is tried for up to about 5 seconds. Does nothing when connected or shut down.
    public func reconnectNetwork() async throws {
        var attempt = 0
        while listener.withLock({ $0 == nil }) && !stopped.current {
            do {
                let fresh = try await relisten(port)
                let kept = listener.withLock { l -> Bool in
                    guard l == nil, !stopped.current else { return false }
                    l = fresh
                    return true
                }
                if !kept { await fresh.close() }
                return
            } catch {
                attempt += 1
                if attempt > 50 { throw error }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// False while `disconnectNetwork()` is in effect.
    public var isNetworkConnected: Bool { listener.withLock { $0 != nil } }

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
