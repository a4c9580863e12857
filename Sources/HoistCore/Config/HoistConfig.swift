import Foundation

/// The parts of `/etc/hoist/hoist.toml` the upload engine reads:
///
/// ```toml
/// [oss]
/// endpoint = "https://oss-cn-hangzhou.aliyuncs.com"   # or leave out and give region
/// region = "cn-hangzhou"
/// bucket = "images"
/// prefix = "builds/"
/// signature-version = "v4"                            # or "v1"
/// insecure-http = false                               # true: allow http:// to other hosts (OSS and ECS)
/// transfer-acceleration = false                       # true: oss-accelerate.aliyuncs.com
/// internal = false                                    # true: oss-REGION-internal.aliyuncs.com (VPC)
///
/// [upload]
/// part-size = "64MiB"                                 # or an integer number of bytes
/// parallel = 8
/// give-up-after = "30m"                               # hoist upload only; the agent waits
/// bandwidth = "200MB/s"                               # sum over every part and job; default unlimited
/// schedule = ["08:00-20:00 50MB/s", "20:00-08:00 unlimited"]   # local time; overrides bandwidth
///
/// [tls]
/// ca-file = "/etc/pki/corp-ca.pem"                    # verify servers with this PEM bundle
///
/// [state]
/// directory = "/var/lib/hoist"
/// ```
///
/// Secrets are deliberately not read from this file: it is world-readable on many hosts.
/// Other tables belong to other parts of Hoist and are left alone; unknown keys in these tables
/// are errors, so a misspelt `part_size` does not silently fall back to the default.
public struct HoistConfig: Sendable, Equatable {
    public var endpoint: String?
    public var region: String?
    public var bucket: String?
    public var prefix: String?
    public var signatureVersion: OSSRequestSigner.Version?
    public var partSize: Int64?
    public var parallel: Int?
    /// `parallel = "auto"` / `--parallel auto`: the parts in flight are found by measuring
    /// (`ConcurrencyTuner`). A layer that sets a number sets this to false.
    public var autoParallel: Bool? = nil
    public var giveUpAfter: Double?
    public var stateDirectory: String?
    /// Allow plain `http://` OSS and ECS endpoints other than loopback (`PlainHTTPPolicy`).
    public var insecureHTTP: Bool?
    /// `[oss] transfer-acceleration`: derive `oss-accelerate.aliyuncs.com` (see `OSSEndpoint`).
    public var transferAcceleration: Bool? = nil
    /// `[oss] internal`: derive the region's VPC-internal endpoint.
    public var internalEndpoint: Bool? = nil
    /// `[upload] bandwidth`: the cap on the sum of every upload in the process.
    public var bandwidth: BandwidthRate? = nil
    /// `[upload] schedule`: time-of-day windows that override `bandwidth`.
    public var bandwidthSchedule: BandwidthSchedule? = nil
    /// `[tls] ca-file`: a PEM bundle to verify servers with instead of libcurl's default.
    public var caFile: String? = nil

    /// Every value optional: the same shape serves the file and the command line
    /// (`HoistSettings.Overrides`), the two layers that may leave a setting out.
    public init(endpoint: String? = nil, region: String? = nil, bucket: String? = nil, prefix: String? = nil,
                signatureVersion: OSSRequestSigner.Version? = nil, partSize: Int64? = nil, parallel: Int? = nil,
                giveUpAfter: Double? = nil, stateDirectory: String? = nil, insecureHTTP: Bool? = nil) {
        self.endpoint = endpoint
        self.region = region
        self.bucket = bucket
        self.prefix = prefix
        self.signatureVersion = signatureVersion
        self.partSize = partSize
        self.parallel = parallel
        self.giveUpAfter = giveUpAfter
        self.stateDirectory = stateDirectory
        self.insecureHTTP = insecureHTTP
    }

    /// Where the config is looked for when no `--config` is given.
    public static let defaultPath = "/etc/hoist/hoist.toml"

    /// Reads `path`. A missing file at the default path is an empty config (a host may be
    /// configured by flags and environment alone); a missing file that was asked for is an error.
    public static func load(path: String?) throws(ConfigError) -> HoistConfig {
        guard let file = try readText(path: path) else { return HoistConfig() }
        return try parse(file.text, path: file.path)
    }

    /// The text of the config at `path` (or the default path) and the path it came from; nil
    /// when no path was given and the default file does not exist. Every reader of the config
    /// file (`HoistConfig`, the agent's `[agent]` table) finds it this one way.
    public static func readText(path: String?) throws(ConfigError) -> (text: String, path: String)? {
        let chosen = path ?? defaultPath
        guard FileManager.default.fileExists(atPath: chosen) else {
            if path == nil { return nil }
            throw ConfigError(path: chosen, message: "no such file")
        }
        guard let data = FileManager.default.contents(atPath: chosen) else {
            throw ConfigError(path: chosen, message: "cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(path: chosen, message: "the file is not UTF-8 text")
        }
        return (text, chosen)
    }

    public static func parse(_ text: String, path: String = "config") throws(ConfigError) -> HoistConfig {
        do {
            let toml = try TOMLDocument.parse(text)
            return try HoistConfig(toml, path: path)
        } catch {
            throw ConfigError(path: path, error)
        }
    }

    init(_ toml: TOMLDocument, path: String) throws(TOMLError) {
        func refuseUnknown(_ table: String, _ known: Set<String>) throws(TOMLError) {
            if let key = toml.unknownKeys(in: table, known: known).first {
                throw TOMLError(line: toml.line(of: table, key) ?? 0, message: "unknown setting \(table).\(key)")
            }
        }
        try refuseUnknown("oss", ["endpoint", "region", "bucket", "prefix", "signature-version", "insecure-http",
                                  "transfer-acceleration", "internal"])
        try refuseUnknown("upload", ["part-size", "parallel", "give-up-after", "bandwidth", "schedule"])
        try refuseUnknown("state", ["directory"])
        try refuseUnknown("tls", ["ca-file"])

        endpoint = try toml.string("oss", "endpoint")
        region = try toml.string("oss", "region")
        bucket = try toml.string("oss", "bucket")
        prefix = try toml.string("oss", "prefix")
        insecureHTTP = try toml.boolean("oss", "insecure-http")
        if let version = try toml.string("oss", "signature-version") {
            guard let parsed = OSSRequestSigner.Version(rawValue: version.lowercased()) else {
                throw TOMLError(line: toml.line(of: "oss", "signature-version") ?? 0,
                                message: "oss.signature-version must be \"v4\" or \"v1\", not \"\(version)\"")
            }
            signatureVersion = parsed
        }
        switch toml["upload", "part-size"] {
        case .integer(let bytes)?: partSize = bytes
        case .string(let text)?:
            guard let bytes = ByteCount.parse(text) else {
                throw TOMLError(line: toml.line(of: "upload", "part-size") ?? 0,
                                message: "upload.part-size \"\(text)\" is not a size like \"64MiB\"")
            }
            partSize = bytes
        case let other?:
            throw TOMLError(line: toml.line(of: "upload", "part-size") ?? 0,
                            message: "upload.part-size must be a size like \"64MiB\", not \(other.kind)")
        case nil: break
        }
        switch toml["upload", "parallel"] {
        case .integer(let parallel)?:
            guard (1...256).contains(parallel) else {
                throw TOMLError(line: toml.line(of: "upload", "parallel") ?? 0, message: "upload.parallel must be 1-256")
            }
            self.parallel = Int(parallel)
            autoParallel = false
        case .string("auto")?:
            autoParallel = true
        case let other?:
            throw TOMLError(line: toml.line(of: "upload", "parallel") ?? 0,
                            message: "upload.parallel must be a number 1-256 or \"auto\", not \(other.kind)")
        case nil: break
        }
        if let text = try toml.string("upload", "give-up-after") {
            guard let seconds = DurationText.parse(text) else {
                throw TOMLError(line: toml.line(of: "upload", "give-up-after") ?? 0,
                                message: "upload.give-up-after \"\(text)\" is not a duration like \"30m\"")
            }
            giveUpAfter = seconds
        }
        stateDirectory = try toml.string("state", "directory")
        try readNetworkSettings(toml)
    }
}

/// A config file that cannot be used, with where and why.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    /// A value in the file at `path` that does not parse or make sense: reported as
    /// `FILE:LINE: message`, the form editors and terminals jump to.
    public init(path: String, _ error: TOMLError) {
        self.init(path: error.line > 0 ? "\(path):\(error.line)" : path, message: error.message)
    }

    public var description: String { "\(path): \(message)" }
}
