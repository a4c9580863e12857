/// The settings of one runtime, resolved from `RuntimeOptions`: the config file read once (its
/// OSS, `[state]`, `[ecs]` and `[import]` tables) and every value taken from the first place
/// that sets it: flag, then environment, then the config file, then the default.
///
/// Resolving has no side effects (nothing is created, nothing is opened), so a command can
/// run every offline check (parameters, manifests, the image file) on these settings before
/// it opens the journal or sends a byte.
public struct RuntimeSettings: Sendable {
    public let options: RuntimeOptions
    /// The config file's settings (empty when the default file is missing).
    public let file: HoistConfig
    /// The config file's `[ecs]` and `[import]` tables.
    public let importConfig: ImportConfig
    /// The journal's directory (not created yet).
    public let stateDirectory: StateDirectory
    /// The host-wide folder of job locks (`LockDirectory`; not created yet).
    public let lockDirectory: LockDirectory
    /// The bandwidth plan the runtime's budget starts with (`HoistSettings.bandwidthPlan`).
    public let bandwidth: BandwidthPlan
    /// `--ca-file`, else `[tls] ca-file`: checked readable; nil uses libcurl's default bundle.
    public let caFile: String?

    public static func load(_ options: RuntimeOptions) throws(HoistRuntimeError) -> RuntimeSettings {
        let file: HoistConfig
        let importConfig: ImportConfig
        do {
            file = try HoistConfig.load(path: options.configPath)
        } catch {
            throw .configuration(error.description)
        }
        do {
            importConfig = try ImportConfig.load(path: options.configPath)
        } catch {
            throw .configuration(error.description)
        }
        let directory: StateDirectory
        do {
            directory = try stateDirectory(flag: options.flags.stateDirectory, environment: options.environment,
                                           file: file, effectiveUserID: options.effectiveUserID)
        } catch {
            throw .stateDirectory(error)
        }
        let bandwidth: BandwidthPlan
        do {
            bandwidth = try HoistSettings.bandwidthPlan(flags: options.flags, environment: options.environment, file: file)
        } catch {
            throw .configuration(error.description)
        }
        let caFile = options.flags.caFile ?? file.caFile
        if let caFile {
            try NetworkRoute.checkReadable(caFile)
        }
        return RuntimeSettings(options: options, file: file, importConfig: importConfig, stateDirectory: directory,
                               lockDirectory: LockDirectory.resolve(environment: options.environment),
                               bandwidth: bandwidth, caFile: caFile)
    }

    /// The environment variable that chooses the state directory.
    public static let stateDirectoryVariable = "HOIST_STATE_DIRECTORY"

    /// THE state-directory rule, for every command and the agent: `--state-dir`, else
    /// `HOIST_STATE_DIRECTORY`, else `[state] directory`, else the unit's `STATE_DIRECTORY`
    /// (systemd's `StateDirectory=hoist`: `/var/lib/hoist`), else this user's default
    /// (`/var/lib/hoist` for root, the XDG state directory otherwise). Empty values count as
    /// not given.
    public static func stateDirectory(flag: String?, environment: [String: String], file: HoistConfig,
                                      effectiveUserID: UInt32) throws(StateDirectoryError) -> StateDirectory {
        let chosen = [flag, environment[stateDirectoryVariable], file.stateDirectory]
            .compactMap { $0 }.first { !$0.isEmpty }
        return try StateDirectory.resolve(override: chosen, environment: environment, effectiveUserID: effectiveUserID)
    }

    private func env(_ name: String) -> String? {
        options.environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Plain http:// to hosts other than loopback allowed (`--insecure-http`, `[oss] insecure-http`).
    public var insecureHTTP: Bool { options.flags.insecureHTTP ?? file.insecureHTTP ?? false }

    /// The region when neither flags nor manifests give one: `HOIST_REGION`, the SDKs'
    /// `ALIBABA_CLOUD_REGION_ID`, then `[oss] region`.
    public var defaultRegion: String? {
        env("HOIST_REGION") ?? env("ALIBABA_CLOUD_REGION_ID") ?? file.region
    }

    /// Parts in flight per upload: `--parallel`, else `[upload] parallel`, else the default;
    /// with "auto", the most the tuner may use (`HoistSettings.parallelism`).
    public var parallel: Int { HoistSettings.parallelism(flags: options.flags, file: file).parallel }

    /// Whether the parts in flight are tuned by measuring (`--parallel auto`).
    public var autoParallel: Bool { HoistSettings.parallelism(flags: options.flags, file: file).auto }

    /// The OSS settings. `region` (an import's, which must be the bucket's) replaces the
    /// region flag; `fallbackEndpoint` (the endpoint a job was uploaded through) is used when
    /// no flag, variable or config names one.
    public func oss(region: String? = nil, fallbackEndpoint: String? = nil) throws(HoistRuntimeError) -> HoistSettings {
        var flags = options.flags
        if let region { flags.region = region }
        let named = (flags.transferAcceleration ?? file.transferAcceleration ?? false)
            || (flags.internalEndpoint ?? file.internalEndpoint ?? false)
        if flags.endpoint == nil, env("HOIST_ENDPOINT") == nil, file.endpoint == nil, !named {
            flags.endpoint = fallbackEndpoint
        }
        do {
            return try HoistSettings.resolve(flags: flags, environment: options.environment, file: file)
        } catch {
            throw .configuration(error.description)
        }
    }

    /// The ECS endpoint: `--ecs-endpoint`, else `HOIST_ECS_ENDPOINT`, else `[ecs] endpoint`,
    /// else the region's public endpoint. Plain http:// follows the same rule as OSS.
    public func ecsEndpoint(region: String) throws(HoistRuntimeError) -> ECSEndpoint {
        guard let text = options.ecsEndpoint ?? env("HOIST_ECS_ENDPOINT") ?? importConfig.ecsEndpoint else {
            return .region(region)
        }
        guard let endpoint = ECSEndpoint(url: text) else {
            throw .configuration("the ECS endpoint \(text) is not an http(s)://host[:port] URL")
        }
        do {
            try PlainHTTPPolicy.check(scheme: endpoint.scheme, host: endpoint.host, setting: "ecs-endpoint",
                                      service: "ECS", allowed: insecureHTTP)
        } catch {
            throw .configuration(error.description)
        }
        return endpoint
    }

    /// Where credentials come from: given ones, else the chain (`CredentialChain`) over this
    /// runtime's environment, asking servers through `transport`. Never a flag: command lines
    /// are visible to every user of the host.
    public func credentialSource(transport: Transport? = nil) -> RefreshingCredentials {
        if let given = options.credentials {
            return RefreshingCredentials(provider: StaticCredentialProvider(given, source: "given credentials"))
        }
        return RefreshingCredentials(chain: CredentialChain(environment: options.environment, transport: transport))
    }

    /// The credentials the source gives now (see `credentialSource`).
    public func credentials() async throws(HoistRuntimeError) -> Credentials {
        do {
            return try await credentialSource().credentials()
        } catch {
            throw .credentials(error)
        }
    }
}
