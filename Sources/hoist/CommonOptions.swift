import ArgumentParser
import Foundation
import HoistCore

/// Where OSS is and which journal to use: the options every OSS-facing command shares.
///
/// Each value is taken from the flag, else the environment, else the config file, else the
/// default (see `HoistSettings`). Credentials are never flags: command lines are visible to
/// every user of the host (`ps`), so they come from the environment or systemd credentials.
struct OSSOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Config file.", valueName: "path"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("OSS endpoint, e.g. https://oss-cn-hangzhou.aliyuncs.com (env HOIST_ENDPOINT).",
                                            valueName: "url"))
    var endpoint: String?

    @Option(name: .long, help: ArgumentHelp("Region id, e.g. cn-hangzhou (env HOIST_REGION).", valueName: "id"))
    var region: String?

    @Option(name: .long, help: ArgumentHelp("Bucket when no oss:// location is given (env HOIST_BUCKET).",
                                            valueName: "name"))
    var bucket: String?

    @Option(name: .long, help: ArgumentHelp("Key prefix when no full key is given (env HOIST_PREFIX).",
                                            valueName: "prefix"))
    var prefix: String?

    @Option(name: .long, help: ArgumentHelp("Request signature version: v4 (default) or v1.", valueName: "v4|v1"))
    var signatureVersion: String?

    @Option(name: .customLong("state-dir"), help: ArgumentHelp("Directory of the journal (env HOIST_STATE_DIRECTORY).",
                                                               valueName: "path"))
    var stateDirectory: String?

    @Flag(name: .customLong("insecure-http"), help: "Allow plain http:// endpoints other than loopback (signatures and STS tokens then cross the network unencrypted).")
    var insecureHTTP = false

    /// The resolved settings, with `extra` flags from the command merged in.
    func settings(_ extra: HoistSettings.Overrides = .init()) throws -> HoistSettings {
        var flags = extra
        flags.endpoint = endpoint
        flags.region = region
        flags.bucket = bucket
        flags.prefix = prefix
        flags.stateDirectory = stateDirectory
        if insecureHTTP { flags.insecureHTTP = true }
        if let signatureVersion {
            guard let version = OSSRequestSigner.Version(rawValue: signatureVersion.lowercased()) else {
                throw UsageFailure("--signature-version must be v4 or v1, not \(signatureVersion)")
            }
            flags.signatureVersion = version
        }
        do {
            let file = try HoistConfig.load(path: config)
            return try HoistSettings.resolve(flags: flags, environment: ProcessInfo.processInfo.environment, file: file)
        } catch {
            throw UsageFailure(error.description)
        }
    }
}

/// What a command needs to talk to OSS and remember: the client, its transport and the journal.
struct OSSSession {
    let settings: HoistSettings
    let transport: Transport
    let client: OSSClient

    init(settings: HoistSettings, transportOptions: TransportOptions = TransportOptions()) throws {
        let credentials: Credentials
        do {
            credentials = try CredentialChain().resolve().credentials
        } catch {
            throw UsageFailure(error.description)
        }
        self.settings = settings
        var options = transportOptions
        // Keep a connection per part in flight so parts never queue inside libcurl.
        options.maxHostConnections = max(options.maxHostConnections, settings.parallel + 2)
        transport = try Transport(options: options)
        let signer = OSSRequestSigner(version: settings.signatureVersion, region: settings.region)
        client = OSSClient(endpoint: settings.endpoint, signer: signer, transport: transport,
                           credentials: { credentials })
    }

    func shutdown() {
        transport.shutdown()
    }
}

extension HoistSettings {
    /// The configured (or this user's default) state directory: the journal's and the job
    /// locks'.
    func resolvedStateDirectory() throws -> StateDirectory {
        do {
            return try StateDirectory.resolve(override: stateDirectory)
        } catch {
            throw GeneralFailure("cannot choose the state directory: \(error)")
        }
    }

    /// The journal in the configured (or this user's default) state directory.
    func openJournal() throws -> UploadJournal {
        let directory = try resolvedStateDirectory()
        do {
            return try UploadJournal.open(in: directory)
        } catch {
            throw GeneralFailure("cannot open the journal: \(error)")
        }
    }
}
