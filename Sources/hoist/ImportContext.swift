import Foundation
import HoistCore

/// Everything the import commands resolve before they act: the one config file (its OSS,
/// `[state]`, `[ecs]` and `[import]` tables), the journal, the credentials and the endpoints.
/// Each value follows the same precedence as `hoist upload` (flag, then environment, then the
/// config file, then the default), so `hoist upload`, `hoist import`, `hoist cancel` and
/// `hoist retry` always agree on the journal and the endpoints.
struct ImportContext {
    let file: HoistConfig
    let importConfig: ImportConfig
    let environment: [String: String]
    let stateDirectoryFlag: String?
    /// Plain http:// to hosts other than loopback allowed (`--insecure-http` or `[oss] insecure-http`).
    let insecureHTTP: Bool

    init(_ options: JournalOptions, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(ImportError) {
        try self.init(config: options.config, stateDirectory: options.stateDirectory,
                      insecureHTTP: options.insecureHTTP, environment: environment)
    }

    init(config: String?, stateDirectory: String?, insecureHTTP: Bool = false,
         environment: [String: String] = ProcessInfo.processInfo.environment) throws(ImportError) {
        do {
            file = try HoistConfig.load(path: config)
        } catch {
            throw .usage(error.description)
        }
        importConfig = try ImportConfig.load(path: config)
        self.environment = environment
        stateDirectoryFlag = stateDirectory
        self.insecureHTTP = insecureHTTP || file.insecureHTTP == true
    }

    private func env(_ name: String) -> String? {
        environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The region when neither flags nor manifests give one: `HOIST_REGION`, the SDKs'
    /// `ALIBABA_CLOUD_REGION_ID`, then `[oss] region`.
    var defaultRegion: String? {
        env("HOIST_REGION") ?? env("ALIBABA_CLOUD_REGION_ID") ?? file.region
    }

    /// The state directory: the journal's and the job locks'.
    func stateDirectory() throws -> StateDirectory {
        let override = stateDirectoryFlag ?? env("HOIST_STATE_DIRECTORY") ?? file.stateDirectory
        return try StateDirectory.resolve(override: override, environment: environment)
    }

    func openJournal() throws -> UploadJournal {
        try UploadJournal.open(in: stateDirectory())
    }

    /// The engine's credential chain (environment, then systemd credentials); never a flag.
    func credentials() throws(ImportError) -> Credentials {
        do {
            return try CredentialChain(environment: environment).resolve().credentials
        } catch {
            throw .usage(error.description)
        }
    }

    func ecsEndpoint(flag: String?, region: String) throws(ImportError) -> ECSEndpoint {
        guard let text = flag ?? env("HOIST_ECS_ENDPOINT") ?? importConfig.ecsEndpoint else { return .region(region) }
        guard let endpoint = ECSEndpoint(url: text) else {
            throw .usage("the ECS endpoint \(text) is not an http(s)://host[:port] URL")
        }
        do {
            try PlainHTTPPolicy.check(scheme: endpoint.scheme, host: endpoint.host, setting: "ecs-endpoint",
                                      service: "ECS", allowed: insecureHTTP)
        } catch {
            throw .usage(error.description)
        }
        return endpoint
    }

    func ecsClient(flag: String?, region: String, credentials: @escaping ECSClient.CredentialsSource,
                   transport: Transport) throws(ImportError) -> ECSClient {
        let endpoint = try ecsEndpoint(flag: flag, region: region)
        return ECSClient(configuration: .init(regionId: region, endpoint: endpoint), credentials: credentials,
                         send: { try await transport.send($0) })
    }

    /// The OSS settings for checking an object: `--endpoint` (else `HOIST_ENDPOINT`, `[oss]
    /// endpoint`, or `fallbackEndpoint`, the job's recorded one), signed for `region`.
    func ossSettings(endpointFlag: String?, region: String, fallbackEndpoint: String? = nil) throws(ImportError)
        -> HoistSettings {
        var flags = HoistSettings.Overrides(endpoint: endpointFlag, region: region, stateDirectory: stateDirectoryFlag,
                                            insecureHTTP: insecureHTTP ? true : nil)
        if flags.endpoint == nil, env("HOIST_ENDPOINT") == nil, file.endpoint == nil { flags.endpoint = fallbackEndpoint }
        do {
            return try HoistSettings.resolve(flags: flags, environment: environment, file: file)
        } catch {
            throw .usage(error.description)
        }
    }

    func ossClient(_ settings: HoistSettings, credentials: Credentials, transport: Transport) -> OSSClient {
        OSSClient(endpoint: settings.endpoint, signer: OSSRequestSigner(version: settings.signatureVersion, region: settings.region),
                  transport: transport, credentials: { credentials })
    }
}
