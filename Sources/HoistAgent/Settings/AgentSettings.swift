import Foundation
import HoistCore

/// What the agent runs with, each setting from the first place that sets it: flag, then
/// environment, then the config's `[agent]` table, then the default (the rule `HoistSettings`
/// follows for the OSS settings).
///
/// Invariants of a resolved value: at least one watch folder, every folder path absolute and
/// without a trailing slash, durations not negative, `maxJobs` within `maxJobsRange`, and a
/// metrics address (when set) on loopback.
public struct AgentSettings: Sendable, Equatable {
    public var watch: [String]
    /// The done folder as configured: a relative path lies inside each watch folder.
    public var doneDirectory: String
    public var failedDirectory: String
    /// Seconds between the two looks that must agree before a file is taken.
    public var settle: Double
    /// Seconds since the last modification before a file is taken.
    public var minimumAge: Double
    public var maxJobs: Int
    public var deleteAfterImport: Bool
    /// Seconds between full rescans of the watch folders.
    public var rescanInterval: Double
    /// nil: no metrics endpoint.
    public var metricsAddress: MetricsAddress?
    /// false: jobs upload and verify only (`[agent] import = false`); a manifest's or the
    /// `[import]` table's `import` key overrides it for the images it covers.
    public var importImages: Bool
    /// Seconds before work that failed transiently (or whose lock another process held) is tried again.
    public var retryDelay: Double
    /// Seconds an ended job (available, failed, cancelled) stays in the journal before the agent
    /// prunes it; 0 keeps every job.
    public var keepJobs: Double
    /// The config's `[import]` table: the lowest layer of every job's import parameters.
    public var importDefaults: ImportManifest

    /// The command line's values; nil means "not given". The same shape as the config table.
    public typealias Overrides = AgentConfig

    public static let defaultWatch = "/var/spool/hoist/incoming"
    public static let defaultDoneDirectory = "done"
    public static let defaultFailedDirectory = "failed"
    public static let defaultSettle = 5.0
    public static let defaultMinimumAge = 2.0
    public static let defaultMaxJobs = 2
    public static let defaultRescanInterval = 300.0
    public static let defaultRetryDelay = 30.0
    public static let defaultKeepJobs = 30.0 * 86_400
    public static let maxJobsRange = 1...64

    /// The environment variable of each setting. `HOIST_WATCH` takes a `:`-separated list, as `PATH` does.
    public enum Variable {
        public static let watch = "HOIST_WATCH"
        public static let doneDirectory = "HOIST_DONE_DIR"
        public static let failedDirectory = "HOIST_FAILED_DIR"
        public static let settle = "HOIST_SETTLE"
        public static let minimumAge = "HOIST_MIN_AGE"
        public static let maxJobs = "HOIST_MAX_JOBS"
        public static let deleteAfterImport = "HOIST_DELETE_AFTER_IMPORT"
        public static let rescanInterval = "HOIST_RESCAN_INTERVAL"
        public static let metricsAddress = "HOIST_METRICS_ADDRESS"
        public static let importImages = "HOIST_IMPORT"
        public static let retryDelay = "HOIST_RETRY_DELAY"
        public static let keepJobs = "HOIST_KEEP_JOBS"
    }

    /// `importDefaults` is the config's `[import]` table (`ImportConfig.defaults`).
    public static func resolve(flags: Overrides, environment: [String: String], file: AgentConfig,
                               importDefaults: ImportManifest = ImportManifest(parameters: ImportParameters()),
                               workingDirectory: String = FileManager.default.currentDirectoryPath)
        throws(ConfigError) -> AgentSettings {
        let env = try EnvironmentLayer(environment)
        let watch = flags.watch ?? env.watch ?? file.watch ?? [defaultWatch]
        guard !watch.isEmpty, !watch.contains(where: \.isEmpty) else {
            throw ConfigError(path: "watch", message: "no watch folder: give --watch DIR, \(Variable.watch) or "
                              + "[agent] watch in the config")
        }
        let settle = flags.settle ?? env.settle ?? file.settle ?? defaultSettle
        let minimumAge = flags.minimumAge ?? env.minimumAge ?? file.minimumAge ?? defaultMinimumAge
        let rescan = flags.rescanInterval ?? env.rescanInterval ?? file.rescanInterval ?? defaultRescanInterval
        guard rescan >= 1 else {
            throw ConfigError(path: "rescan-interval", message: "rescan-interval must be at least 1s, not \(rescan)s")
        }
        let maxJobs = flags.maxJobs ?? env.maxJobs ?? file.maxJobs ?? defaultMaxJobs
        guard maxJobsRange.contains(maxJobs) else {
            throw ConfigError(path: "max-jobs", message: "max-jobs must be \(maxJobsRange.lowerBound)-"
                              + "\(maxJobsRange.upperBound), not \(maxJobs)")
        }
        var metrics: MetricsAddress?
        if let text = flags.metricsAddress ?? env.metricsAddress ?? file.metricsAddress {
            do {
                metrics = try MetricsAddress(text)
            } catch {
                throw ConfigError(path: "metrics-address", message: error.description)
            }
        }
        return AgentSettings(
            watch: watch.map { absolute($0, in: workingDirectory) },
            doneDirectory: trimmed(flags.doneDirectory ?? env.doneDirectory ?? file.doneDirectory ?? defaultDoneDirectory),
            failedDirectory: trimmed(flags.failedDirectory ?? env.failedDirectory ?? file.failedDirectory
                                     ?? defaultFailedDirectory),
            settle: max(0, settle), minimumAge: max(0, minimumAge), maxJobs: maxJobs,
            deleteAfterImport: flags.deleteAfterImport ?? env.deleteAfterImport ?? file.deleteAfterImport ?? false,
            rescanInterval: rescan, metricsAddress: metrics,
            importImages: flags.importImages ?? env.importImages ?? file.importImages ?? true,
            retryDelay: max(0, flags.retryDelay ?? env.retryDelay ?? file.retryDelay ?? defaultRetryDelay),
            keepJobs: max(0, flags.keepJobs ?? env.keepJobs ?? file.keepJobs ?? defaultKeepJobs),
            importDefaults: importDefaults)
    }

    /// Where successes from `watchFolder` are filed.
    public func doneDirectory(forWatch watchFolder: String) -> String {
        Self.absolute(doneDirectory, in: watchFolder)
    }

    /// Where failures and refusals from `watchFolder` are filed.
    public func failedDirectory(forWatch watchFolder: String) -> String {
        Self.absolute(failedDirectory, in: watchFolder)
    }

    static func absolute(_ path: String, in base: String) -> String {
        let joined = path.hasPrefix("/") ? path : (base.hasSuffix("/") ? base : base + "/") + path
        return trimmed((joined as NSString).standardizingPath)
    }

    static func trimmed(_ path: String) -> String {
        var path = path
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        return path
    }
}

/// The environment's layer, parsed once; a malformed value names its variable.
struct EnvironmentLayer {
    var watch: [String]?
    var doneDirectory: String?
    var failedDirectory: String?
    var settle: Double?
    var minimumAge: Double?
    var maxJobs: Int?
    var deleteAfterImport: Bool?
    var rescanInterval: Double?
    var metricsAddress: String?
    var importImages: Bool?
    var retryDelay: Double?
    var keepJobs: Double?

    init(_ environment: [String: String]) throws(ConfigError) {
        typealias Variable = AgentSettings.Variable
        func value(_ name: String) -> String? {
            guard let text = environment[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            return text
        }
        func seconds(_ name: String) throws(ConfigError) -> Double? {
            guard let text = value(name) else { return nil }
            guard let seconds = DurationText.parse(text) else {
                throw ConfigError(path: name, message: "\"\(text)\" is not a duration like \"5s\" or \"5m\"")
            }
            return seconds
        }
        watch = value(Variable.watch).map { $0.split(separator: ":").map(String.init) }
        doneDirectory = value(Variable.doneDirectory)
        failedDirectory = value(Variable.failedDirectory)
        settle = try seconds(Variable.settle)
        minimumAge = try seconds(Variable.minimumAge)
        rescanInterval = try seconds(Variable.rescanInterval)
        if let text = value(Variable.maxJobs) {
            guard let jobs = Int(text) else {
                throw ConfigError(path: Variable.maxJobs, message: "\"\(text)\" is not a number of jobs")
            }
            maxJobs = jobs
        }
        func boolean(_ name: String) throws(ConfigError) -> Bool? {
            guard let text = value(name) else { return nil }
            switch text.lowercased() {
            case "1", "true", "yes": return true
            case "0", "false", "no": return false
            default: throw ConfigError(path: name, message: "\"\(text)\" is not true or false")
            }
        }
        deleteAfterImport = try boolean(Variable.deleteAfterImport)
        importImages = try boolean(Variable.importImages)
        retryDelay = try seconds(Variable.retryDelay)
        keepJobs = try seconds(Variable.keepJobs)
        metricsAddress = value(Variable.metricsAddress)
    }
}
