import Foundation
import HoistCore

/// How to run an emulator. Defaults suit tests: loopback, a free port, a temporary data
/// directory removed at shutdown, strict signatures (OSS and ECS check the same `accessKeys`),
/// OSS's real 100 KiB minimum part size, 5-second ECS imports.
public struct EmulatorConfig: Sendable {
    /// Where object and part bytes go.
    public enum Storage: Sendable, Equatable {
        /// A fresh temporary directory, deleted by `shutdown()`.
        case temporaryDirectory
        /// This directory (created if needed) and kept after shutdown.
        case directory(String)
        /// Keep no bytes at all, only sizes and checksums: for throughput benchmarks. GetObject
        /// answers 501; HeadObject, ListParts and Complete work normally. MD5 is skipped unless
        /// `discardComputesMD5` is set or the client sends `Content-MD5` (which is still checked);
        /// without MD5 an ETag is the hex CRC-64 followed by the hex size (32 hex digits).
        case discard
    }

    public var host: String
    /// 0 picks a free port; read the chosen one from `EmulatorServer.port`.
    public var port: Int
    public var storage: Storage
    /// Buckets that exist from the start.
    public var buckets: [String]
    /// The keys requests may be signed with (STS keys carry their token and may expire); STS
    /// and the metadata service add temporary ones while the emulator runs.
    public var accessKeys: [OSSAccessKey]
    /// The region id, as in `cn-hangzhou` (V4 scope check, Location elements).
    public var region: String
    /// Minimum size of every part but the last at CompleteMultipartUpload (`EntityTooSmall`).
    public var minPartSize: Int
    /// Check V1/V4 signatures. Off means every request is accepted as is.
    public var authentication: Bool
    /// Faults active from the first request.
    public var faults: FaultSettings
    /// See `Storage.discard`.
    public var discardComputesMD5: Bool
    /// Event loop threads; 0 means one per core.
    public var eventLoopThreads: Int
    /// The emulated ECS import API: import duration, RAM-role switch, failing imports.
    public var ecs: ECSEmulatorSettings
    /// Seconds a client may send nothing while the server waits on it (for a request head or
    /// more body bytes) before its connection is closed; nil or 0 never closes. Time the server
    /// spends answering does not count, so injected latency longer than this is still served.
    public var idleTimeoutSeconds: Double?
    /// The emulated STS (AssumeRole, AssumeRoleWithOIDC on the main port).
    public var sts: STSEmulatorSettings
    /// The emulated ECS metadata service on a port of its own; nil runs none.
    public var metadata: MetadataSettings?

    public init(host: String = "127.0.0.1", port: Int = 0, storage: Storage = .temporaryDirectory, buckets: [String] = [],
                accessKeys: [OSSAccessKey] = [], region: String = "cn-hangzhou", minPartSize: Int = 102_400,
                authentication: Bool = true, faults: FaultSettings = FaultSettings(), discardComputesMD5: Bool = false,
                eventLoopThreads: Int = 0, ecs: ECSEmulatorSettings = ECSEmulatorSettings(),
                idleTimeoutSeconds: Double? = 120, sts: STSEmulatorSettings = STSEmulatorSettings(),
                metadata: MetadataSettings? = nil) {
        self.host = host
        self.port = port
        self.storage = storage
        self.buckets = buckets
        self.accessKeys = accessKeys
        self.region = region
        self.minPartSize = minPartSize
        self.authentication = authentication
        self.faults = faults
        self.discardComputesMD5 = discardComputesMD5
        self.eventLoopThreads = eventLoopThreads
        self.ecs = ecs
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.sts = sts
        self.metadata = metadata
    }
}
