import Foundation
import Synchronization

/// Everything a job needs that is built once per process: the resolved settings, the journal,
/// one HTTP transport, the process's `NetworkHealth`, the credentials and the clients made from
/// them, and the job locks. `hoist upload`, `hoist import`, `hoist demo` and the agent all set up
/// through this one type, so they agree on the state directory, the endpoints and the
/// precedence of flags, environment and config file.
///
/// Several jobs may run on one runtime at once (`JobRunner`): they share the transport (its
/// connection pool), the journal (one SQLite pool, compare-and-set writes) and the network
/// view (one outage, one probe, every waiting part woken together).
///
/// Invariants: the journal and the transport exist from `init` until `shutdown()`, which is
/// idempotent and the only place either is closed; credentials are located on first use, so a
/// command that never calls OSS or ECS never needs them, and every client of the runtime signs
/// with the one `RefreshingCredentials`, which renews temporary credentials before they expire.
public final class HoistRuntime: Sendable {
    public let settings: RuntimeSettings
    public let journal: UploadJournal
    public let transport: Transport
    /// The one bandwidth budget of the process's uploads: every part of every job draws from it.
    /// `bandwidth.update(_:)` changes the cap at run time (a config reload) without restarting
    /// anything.
    public let bandwidth: BandwidthBudget
    /// The process's credentials (see `RefreshingCredentials`); `hoist doctor` reads its source and expiry.
    public let credentialSource: RefreshingCredentials
    /// Parts in flight across every upload on this runtime: `settings.parallel`, or with
    /// `--parallel auto` the level its tuner finds.
    public let partBudget: PartBudget
    private let isShutDown = Mutex(false)

    /// Opens the journal (creating the state directory, mode 0700) and starts the transport.
    public init(_ settings: RuntimeSettings) throws(HoistRuntimeError) {
        self.settings = settings
        let directory = settings.stateDirectory
        do {
            try directory.create()
        } catch {
            throw .stateDirectory(error)
        }
        do {
            journal = try UploadJournal.open(in: directory)
        } catch {
            throw .journal(path: directory.journalPath, reason: String(describing: error))
        }
        partBudget = settings.autoParallel
            ? PartBudget(tuner: ConcurrencyTuner(maximum: settings.parallel))
            : PartBudget(size: settings.parallel)
        var options = TransportOptions()
        // A connection per part in flight, so parts never queue inside libcurl.
        options.maxHostConnections = max(options.maxHostConnections, settings.parallel + 2)
        options.caBundlePath = settings.caFile
        bandwidth = BandwidthBudget(settings.bandwidth)
        do {
            transport = try Transport(options: options, bandwidth: bandwidth)
        } catch let error as TransportError {
            throw .transport(error)
        } catch {
            throw .transport(TransportError(kind: .other, message: String(describing: error)))
        }
        credentialSource = settings.credentialSource(transport: transport)
    }

    /// Resolves `options` and opens the runtime.
    public convenience init(_ options: RuntimeOptions) throws(HoistRuntimeError) {
        try self.init(RuntimeSettings.load(options))
    }

    public var stateDirectory: StateDirectory { settings.stateDirectory }
    public var health: NetworkHealth { settings.options.health }

    /// Closes the transport and the journal. Idempotent; jobs still running fail with
    /// transport errors, so stop them first.
    public func shutdown() {
        let first = isShutDown.withLock { done in
            defer { done = true }
            return !done
        }
        guard first else { return }
        transport.shutdown()
        try? journal.close()
    }

    /// The credentials to sign with now: located on first use, refreshed before they expire.
    public func credentials() async throws(HoistRuntimeError) -> Credentials {
        do {
            return try await credentialSource.credentials()
        } catch {
            throw .credentials(error)
        }
    }

    /// An OSS client for `oss` (endpoint, signature version, region) on the shared transport,
    /// signing with the runtime's refreshing credentials.
    public func ossClient(_ oss: HoistSettings) throws(HoistRuntimeError) -> OSSClient {
        OSSClient(endpoint: oss.endpoint, signer: OSSRequestSigner(version: oss.signatureVersion, region: oss.region),
                  transport: transport, credentials: credentialSource)
    }

    /// An ECS client for `region` on the shared transport. The endpoint is checked now; the
    /// credentials are read when the first request is signed, so a command that turns out to
    /// need no ECS call needs no credentials.
    public func ecsClient(region: String) throws(HoistRuntimeError) -> ECSClient {
        let endpoint = try settings.ecsEndpoint(region: region)
        return ECSClient(configuration: .init(regionId: region, endpoint: endpoint), credentials: credentialSource,
                         transport: transport)
    }

    /// The lock of one job, in this runtime's state directory (see `JobLock`).
    public func lock(_ key: JobLockKey, wait: Bool,
                     onWait: @Sendable (JobLockHolder?) -> Void = { _ in }) async throws(JobLockError) -> JobLock {
        try await JobLock.acquire(key, in: settings.lockDirectory, wait: wait, onWait: onWait)
    }
}
