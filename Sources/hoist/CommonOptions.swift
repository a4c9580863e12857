import ArgumentParser
import Foundation
import HoistCore

/// Where OSS is and which journal to use: the options every OSS-facing command shares.
///
/// Each value is taken from the flag, else the environment, else the config file, else the
/// default (see `RuntimeSettings`). Credentials are never flags: command lines are visible to
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

    @Flag(name: .customLong("transfer-acceleration"),
          help: "Use OSS transfer acceleration: https://oss-accelerate.aliyuncs.com, derived from the region.")
    var transferAcceleration = false

    @Flag(name: .customLong("internal"),
          help: "Use the region's VPC-internal endpoint, oss-REGION-internal.aliyuncs.com (from ECS in that region).")
    var internalEndpoint = false

    @Option(name: .customLong("ca-file"), help: ArgumentHelp(
        "PEM bundle of CAs to verify servers with (config [tls] ca-file; default: libcurl's).", valueName: "path"))
    var caFile: String?

    @Flag(name: .customLong("insecure-http"), help: "Allow plain http:// endpoints other than loopback (signatures and STS tokens then cross the network unencrypted).")
    var insecureHTTP = false

    /// What the runtime is built from: these flags, with `extra` flags from the command merged
    /// in. Resolving them against the environment and the config file is `RuntimeSettings`'s.
    func runtimeOptions(_ extra: HoistConfig = HoistConfig(), ecsEndpoint: String? = nil) throws -> RuntimeOptions {
        var flags = extra
        flags.endpoint = endpoint
        flags.region = region
        flags.bucket = bucket
        flags.prefix = prefix
        flags.stateDirectory = stateDirectory
        if insecureHTTP { flags.insecureHTTP = true }
        if transferAcceleration { flags.transferAcceleration = true }
        if internalEndpoint { flags.internalEndpoint = true }
        flags.caFile = caFile
        if let signatureVersion {
            guard let version = OSSRequestSigner.Version(rawValue: signatureVersion.lowercased()) else {
                throw UsageFailure("--signature-version must be v4 or v1, not \(signatureVersion)")
            }
            flags.signatureVersion = version
        }
        return RuntimeOptions(configPath: config, flags: flags, ecsEndpoint: ecsEndpoint)
    }
}

/// `--bandwidth`, on the commands that upload (`upload`, `agent`).
struct BandwidthOption: ParsableArguments {
    @Option(name: .customLong("bandwidth"), help: ArgumentHelp(
        "Cap on the sum of every part in flight, e.g. 50MB/s, or unlimited (env HOIST_BANDWIDTH, config "
        + "[upload] bandwidth and schedule; default unlimited). Replaces the config's schedule.", valueName: "rate"))
    var bandwidth: String?

    func validate() throws {
        if let bandwidth, BandwidthRate.parse(bandwidth) == nil {
            throw ValidationError("--bandwidth \(bandwidth) is not a rate like 50MB/s or unlimited")
        }
    }

    /// The flag's rate, merged into the command's flags layer.
    func apply(to flags: inout HoistConfig) {
        flags.bandwidth = bandwidth.flatMap(BandwidthRate.parse)
    }
}

extension HoistRuntimeError {
    /// As an OSS command's failure: a mistake in flags, environment or config is a usage
    /// error, anything else (state directory, journal, transport) the host's.
    var commandFailure: any Error {
        isUsage ? UsageFailure(description) as any Error : GeneralFailure(description)
    }
}
