/// The settings a command runs with, each taken from the first place that sets it: command-line
/// flag, then environment, then the config file, then the default.
///
/// Flags win because they are the most deliberate; the environment beats the file so one run
/// can be pointed elsewhere (`HOIST_ENDPOINT=… hoist upload …`) without editing `/etc`.
public struct HoistSettings: Sendable, Equatable {
    public var endpoint: OSSEndpoint
    /// The region id for V4 signing (`cn-hangzhou`).
    public var region: String
    public var bucket: String?
    /// Key prefix for uploads whose destination is not given in full (`builds/`).
    public var prefix: String
    public var signatureVersion: OSSRequestSigner.Version
    public var partSize: Int64
    /// Parts in flight: the fixed number, or with `autoParallel` the most the tuner may use.
    public var parallel: Int
    /// The parts in flight are tuned by measuring, between 1 and `parallel`.
    public var autoParallel: Bool = false
    /// nil: wait for a lost network for ever.
    public var giveUpAfter: Double?
    /// Plain `http://` to hosts other than loopback was allowed (flag or config); the ECS
    /// endpoint follows the same rule.
    public var insecureHTTP: Bool = false
    /// The effective bandwidth plan: `--bandwidth`, else `HOIST_BANDWIDTH`, else `[upload]
    /// bandwidth` and `schedule`, else unlimited.
    public var bandwidth: BandwidthPlan = .unlimited

    /// Values given on the command line; nil means "not given". They are the same settings the
    /// config file may give, so the flags layer is a `HoistConfig` too rather than a second copy
    /// of the same fields.
    public typealias Overrides = HoistConfig

    /// The most parts in flight `--parallel auto` may reach.
    public static let autoParallelMaximum = 64

    /// THE parallelism rule: the first layer that says anything (flags, then the file) wins;
    /// "auto" there means tuned up to `autoParallelMaximum`, else the number. Saying nothing
    /// means auto: the right number depends on the link (a few parts fill loopback or a LAN, a
    /// long fat WAN needs dozens), and nobody knows their link's number, so the default measures
    /// it rather than guessing one number for every network.
    public static func parallelism(flags: Overrides, file: HoistConfig) -> (parallel: Int, auto: Bool) {
        for layer in [flags, file] {
            if layer.autoParallel == true { return (autoParallelMaximum, true) }
            if let parallel = layer.parallel { return (parallel, false) }
        }
        return (autoParallelMaximum, true)
    }

    public static func resolve(flags: Overrides, environment: [String: String],
                               file: HoistConfig) throws(ConfigError) -> HoistSettings {
        func env(_ name: String) -> String? {
            guard let value = environment[name], !value.isEmpty else { return nil }
            return value
        }
        let endpointText = flags.endpoint ?? env("HOIST_ENDPOINT") ?? file.endpoint
        let regionText = flags.region ?? env("HOIST_REGION") ?? file.region
        let accelerate = flags.transferAcceleration ?? file.transferAcceleration ?? false
        let isInternal = flags.internalEndpoint ?? file.internalEndpoint ?? false
        if accelerate && isInternal {
            throw ConfigError(path: "endpoint", message: "transfer acceleration and the internal endpoint exclude each "
                              + "other: the internal endpoint is for ECS in the bucket's region, acceleration for "
                              + "far-away hosts; choose one")
        }
        let endpoint: OSSEndpoint
        if let endpointText, accelerate || isInternal {
            throw ConfigError(path: "endpoint", message: "the endpoint \(endpointText) is given, and so is "
                              + (accelerate ? "transfer acceleration" : "the internal endpoint")
                              + ", which derives one from the region: remove one of them")
        } else if let endpointText {
            guard let parsed = OSSEndpoint(endpointText) else {
                throw ConfigError(path: "endpoint", message: "\"\(endpointText)\" is not an endpoint like "
                                  + "https://oss-cn-hangzhou.aliyuncs.com")
            }
            endpoint = parsed
        } else if let regionText {
            endpoint = .named(region: regionText, internal: isInternal, accelerate: accelerate)
        } else {
            throw ConfigError(path: "endpoint", message: "no OSS endpoint: give --endpoint or --region, set "
                              + "HOIST_ENDPOINT or HOIST_REGION, or set [oss] endpoint/region in the config")
        }
        let insecureHTTP = flags.insecureHTTP ?? file.insecureHTTP ?? false
        try PlainHTTPPolicy.check(scheme: endpoint.scheme, host: endpoint.host, setting: "endpoint", service: "OSS",
                                  allowed: insecureHTTP)
        let version = flags.signatureVersion ?? file.signatureVersion ?? .v4
        let region: String
        if let chosen = regionText ?? endpoint.region {
            region = chosen
        } else if version == .v1 {
            region = "" // V1 signatures carry no region
        } else {
            throw ConfigError(path: "region", message: "the region of \(endpoint.host) is unknown: give --region "
                              + "(V4 signatures include it)")
        }
        let partSize = flags.partSize ?? file.partSize ?? PartPlan.defaultPartSize
        let (parallel, autoParallel) = parallelism(flags: flags, file: file)
        guard (1...256).contains(parallel) else {
            throw ConfigError(path: "parallel", message: "parallel must be 1-256, not \(parallel)")
        }
        var prefix = flags.prefix ?? env("HOIST_PREFIX") ?? file.prefix ?? ""
        if prefix.hasPrefix("/") { prefix.removeFirst() }
        let bandwidth = try bandwidthPlan(flags: flags, environment: environment, file: file)
        return HoistSettings(
            endpoint: endpoint, region: region, bucket: flags.bucket ?? env("HOIST_BUCKET") ?? file.bucket,
            prefix: prefix, signatureVersion: version, partSize: partSize, parallel: parallel, autoParallel: autoParallel,
            giveUpAfter: flags.giveUpAfter ?? file.giveUpAfter,
            insecureHTTP: insecureHTTP, bandwidth: bandwidth)
    }

    /// The environment variable that sets the bandwidth cap, like `--bandwidth`.
    public static let bandwidthVariable = "HOIST_BANDWIDTH"

    /// THE bandwidth rule: `--bandwidth`, else `HOIST_BANDWIDTH` (each a fixed rate that replaces
    /// any schedule), else the config's `bandwidth` and `schedule`, else unlimited.
    public static func bandwidthPlan(flags: Overrides, environment: [String: String],
                                     file: HoistConfig) throws(ConfigError) -> BandwidthPlan {
        if let rate = flags.bandwidth { return BandwidthPlan(base: rate) }
        if let text = environment[bandwidthVariable], !text.isEmpty {
            guard let rate = BandwidthRate.parse(text) else {
                throw ConfigError(path: bandwidthVariable, message: "\"\(text)\" is not \(BandwidthRate.expected)")
            }
            return BandwidthPlan(base: rate)
        }
        return file.bandwidthPlan ?? .unlimited
    }

    /// Where a file goes when the command line names only the file (or only a bucket or a
    /// prefix): the file's name under the configured prefix, in the configured bucket.
    ///
    /// The key may be a template (`NameTemplate`, object-key placeholders: `builds/{date}/`,
    /// `web-{job}.raw`), expanded once per job; a file name appended to a prefix is taken
    /// literally (its braces escaped). A template that names an unknown placeholder is refused.
    public func destination(forFile path: String, given: ObjectLocation?) throws(ConfigError) -> ObjectLocation {
        let location = try untemplatedDestination(forFile: path, given: given)
        do {
            _ = try NameTemplate(location.key, allowed: NameTemplate.keyPlaceholders)
        } catch {
            throw ConfigError(path: given == nil ? "prefix" : "destination", message: "object key: \(error.description)")
        }
        return location
    }

    private func untemplatedDestination(forFile path: String, given: ObjectLocation?) throws(ConfigError) -> ObjectLocation {
        let name = NameTemplate.literal(path.split(separator: "/").last.map(String.init) ?? path).text
        if let given {
            return given.isPrefix ? given.appending(fileName: name) : given
        }
        guard let bucket else {
            throw ConfigError(path: "bucket", message: "no bucket: give oss://BUCKET/KEY, --bucket, HOIST_BUCKET "
                              + "or [oss] bucket in the config")
        }
        guard ObjectLocation.isValidBucketName(bucket) else {
            throw ConfigError(path: "bucket", message: ObjectLocationError.invalidBucket(bucket).description)
        }
        var base = prefix
        if !base.isEmpty, !base.hasSuffix("/") { base += "/" }
        return ObjectLocation(bucket: bucket, key: base + name)
    }
}
