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
    /// The emulated STS and the keyring OSS, ECS and STS all check.
    public let sts: STSControl
    /// `http://HOST:PORT` of the metadata service, when `EmulatorConfig.metadata` asked for one.
    public let metadataBaseURL: String?

    private let group: MultiThreadedEventLoopGroup
    private let pool: NIOThreadPool
    /// The OSS/ECS/STS port's listener, and the metadata service's when one runs.
    private let listener: Listener
    private let metadataListener: Listener?
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
        let sts = STSControl(keyring: EmulatorKeyring(config.accessKeys), settings: config.sts)
        let authenticator: any OSSAuthenticator = config.authentication
            ? makeAuthenticator(config, keyring: sts.keyring) : OpenAccess()
        let registry = ECSImageRegistry(settings: config.ecs)
        var oss = OSSService(store: store, blobs: blobs, authenticator: authenticator, counters: counters,
                             region: config.region, minPartSize: Int64(config.minPartSize), logger: logger)
        oss.onWrite = { bucket, key, now in registry.noteWrite(bucket: bucket, key: key, now: now) }
        let ecs = ECSControl(registry: registry, clock: { faults.now })
        let ecsService = ECSService(registry: registry, store: store, probe: ECSObjectProbe(blobs: blobs),
                                    authenticator: ECSAuthenticator(keyring: sts.keyring, enabled: config.authentication),
                                    region: config.region, logger: logger)
        // Order matters: the first service that claims a request gets it. STS claims only its two
        // actions and ECS any other RPC request (Action / x-acs-action), so both go before OSS,
        // which takes the rest.
        let admin = AdminService(faults: faults, counters: counters, uploads: uploads, ecs: ecs, sts: sts)
        let stsService = STSService(control: sts, authentication: config.authentication)
        let router = ServiceRouter(services: [admin, stsService, ecsService, oss])
        let connection = Connection(router: router, faults: faults, counters: counters, logger: logger)
        let main = try await Listener.bind(host: config.host, port: config.port, group: group, config: config,
                                           connection: connection, counters: counters, logger: logger)
        var metadataListener: Listener?
        if let metadata = config.metadata {
            let service = MetadataService(keyring: sts.keyring, settings: metadata)
            let metadataConnection = Connection(router: ServiceRouter(services: [service]), faults: faults,
                                                counters: counters, logger: logger)
            do {
                metadataListener = try await Listener.bind(host: config.host, port: metadata.port, group: group, config: config,
                                                           connection: metadataConnection, counters: counters, logger: logger)
            } catch {
                await main.close()
                throw error
            }
        }
        let removeData = config.storage == .temporaryDirectory
        return EmulatorServer(port: main.port, baseURL: main.baseURL, faults: faults, counters: counters,
                              ecs: ecs, dataDirectory: root, sts: sts, group: group, pool: pool, listener: main,
                              metadataListener: metadataListener, uploadControl: uploads,
                              removeDataOnShutdown: removeData)
    }

    private init(port: Int, baseURL: String, faults: FaultInjector, counters: EmulatorCounters, ecs: ECSControl,
                 dataDirectory: String?, sts: STSControl, group: MultiThreadedEventLoopGroup, pool: NIOThreadPool,
                 listener: Listener, metadataListener: Listener?, uploadControl: UploadControl, removeDataOnShutdown: Bool) {
        self.port = port
        self.baseURL = baseURL
        self.faults = faults
        self.counters = counters
        self.ecs = ecs
        self.dataDirectory = dataDirectory
        self.sts = sts
        metadataBaseURL = metadataListener?.baseURL
        self.group = group
        self.pool = pool
        self.listener = listener
        self.metadataListener = metadataListener
        self.uploadControl = uploadControl
        self.removeDataOnShutdown = removeDataOnShutdown
    }

    /// Stops accepting, closes open connections, stops the threads and, for a temporary data
    /// directory, deletes it. Safe to call twice.
    public func shutdown() async throws {
        let already = stopped.withLock { s -> Bool in defer { s = true }; return s }
        if already { return }
        await listener.close()
        await metadataListener?.close()
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
    /// The signature checker for a config with authentication on, over the live keyring.
    static func makeAuthenticator(_ config: EmulatorConfig, keyring: EmulatorKeyring) -> any OSSAuthenticator {
        VerifyingAuthenticator(verifier: OSSRequestVerifier(region: config.region) { keyring.key($0) })
    }
}
