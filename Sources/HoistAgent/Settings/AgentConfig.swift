import HoistCore

/// The `[agent]` table of `hoist.toml` (the file `HoistConfig` reads for OSS):
///
/// ```toml
/// [agent]
/// watch = ["/var/spool/hoist/incoming"]   # folders to take images from
/// done-dir = "done"                        # relative: inside each watch folder
/// failed-dir = "failed"
/// settle = "5s"                            # size and mtime unchanged this long
/// min-age = "2s"                           # and not modified for at least this long
/// max-jobs = 2                             # files uploaded at once
/// delete-after-import = false              # true: delete the image instead of moving it to done/
/// rescan-interval = "5m"                   # full rescan besides inotify
/// metrics-address = "127.0.0.1:9464"       # serve /metrics here (loopback only); absent: off
/// import = true                            # false: upload only (a manifest's `import` wins)
/// retry-delay = "30s"                      # pause before a transient failure is tried again
/// keep-jobs = "30d"                        # ended jobs older than this leave the journal; "0" keeps all
/// ```
///
/// Every value is optional: the same shape is the command line's layer (`AgentSettings.Overrides`).
/// Unknown keys are errors, reported with their line, so `max_jobs` is not silently ignored.
public struct AgentConfig: Sendable, Equatable {
    public var watch: [String]?
    public var doneDirectory: String?
    public var failedDirectory: String?
    /// Seconds.
    public var settle: Double?
    /// Seconds.
    public var minimumAge: Double?
    public var maxJobs: Int?
    public var deleteAfterImport: Bool?
    /// Seconds.
    public var rescanInterval: Double?
    public var metricsAddress: String?
    /// false: jobs upload and verify only, never import.
    public var importImages: Bool?
    /// Seconds.
    public var retryDelay: Double?
    /// Seconds an ended job stays in the journal; 0 keeps every job.
    public var keepJobs: Double?

    public init(watch: [String]? = nil, doneDirectory: String? = nil, failedDirectory: String? = nil,
                settle: Double? = nil, minimumAge: Double? = nil, maxJobs: Int? = nil,
                deleteAfterImport: Bool? = nil, rescanInterval: Double? = nil, metricsAddress: String? = nil,
                importImages: Bool? = nil, retryDelay: Double? = nil, keepJobs: Double? = nil) {
        self.watch = watch
        self.doneDirectory = doneDirectory
        self.failedDirectory = failedDirectory
        self.settle = settle
        self.minimumAge = minimumAge
        self.maxJobs = maxJobs
        self.deleteAfterImport = deleteAfterImport
        self.rescanInterval = rescanInterval
        self.metricsAddress = metricsAddress
        self.importImages = importImages
        self.retryDelay = retryDelay
        self.keepJobs = keepJobs
    }

    static let table = "agent"
    static let keys: Set<String> = ["watch", "done-dir", "failed-dir", "settle", "min-age", "max-jobs",
                                    "delete-after-import", "rescan-interval", "metrics-address", "import",
                                    "retry-delay", "keep-jobs"]

    /// Reads the `[agent]` table of the config at `path` (or the default path, where a missing
    /// file is an empty config, as for `HoistConfig`).
    public static func load(path: String?) throws(ConfigError) -> AgentConfig {
        guard let file = try HoistConfig.readText(path: path) else { return AgentConfig() }
        return try parse(file.text, path: file.path)
    }

    /// Parses the `[agent]` table of `text`; a mistake is reported as `PATH:LINE: message`.
    public static func parse(_ text: String, path: String = "config") throws(ConfigError) -> AgentConfig {
        do {
            return try AgentConfig(try TOMLDocument.parse(text))
        } catch {
            throw ConfigError(path: path, error)
        }
    }

    init(_ toml: TOMLDocument) throws(TOMLError) {
        let table = Self.table
        if let key = toml.unknownKeys(in: table, known: Self.keys).first {
            throw TOMLError(line: toml.line(of: table, key) ?? 0,
                            message: "unknown setting agent.\(key); known: "
                                + Self.keys.sorted().map { "agent.\($0)" }.joined(separator: ", "))
        }
        switch toml[table, "watch"] {
        case .string(let one)?: watch = [one]
        case .strings(let list)?: watch = list
        case let other?:
            throw TOMLError(line: toml.line(of: table, "watch") ?? 0,
                            message: "agent.watch must be a folder or a list of folders, not \(other.kind)")
        case nil: break
        }
        doneDirectory = try toml.string(table, "done-dir")
        failedDirectory = try toml.string(table, "failed-dir")
        settle = try Self.seconds(toml, "settle")
        minimumAge = try Self.seconds(toml, "min-age")
        rescanInterval = try Self.seconds(toml, "rescan-interval")
        retryDelay = try Self.seconds(toml, "retry-delay")
        keepJobs = try Self.seconds(toml, "keep-jobs")
        importImages = try toml.boolean(table, "import")
        if let jobs = try toml.integer(table, "max-jobs") {
            guard AgentSettings.maxJobsRange.contains(Int(clamping: jobs)) else {
                throw TOMLError(line: toml.line(of: table, "max-jobs") ?? 0,
                                message: "agent.max-jobs must be \(AgentSettings.maxJobsRange.lowerBound)-"
                                    + "\(AgentSettings.maxJobsRange.upperBound), not \(jobs)")
            }
            maxJobs = Int(jobs)
        }
        deleteAfterImport = try toml.boolean(table, "delete-after-import")
        if let text = try toml.string(table, "metrics-address") {
            do {
                _ = try MetricsAddress(text)
            } catch {
                throw TOMLError(line: toml.line(of: table, "metrics-address") ?? 0, message: "agent.metrics-address: \(error)")
            }
            metricsAddress = text
        }
    }

    /// A duration given as `"5s"`/`"2m"` or as an integer number of seconds.
    static func seconds(_ toml: TOMLDocument, _ key: String) throws(TOMLError) -> Double? {
        let line = toml.line(of: table, key) ?? 0
        switch toml[table, key] {
        case .integer(let seconds)?:
            guard seconds >= 0 else { throw TOMLError(line: line, message: "agent.\(key) must not be negative") }
            return Double(seconds)
        case .string(let text)?:
            guard let seconds = DurationText.parse(text) else {
                throw TOMLError(line: line, message: "agent.\(key) \"\(text)\" is not a duration like \"5s\" or \"5m\"")
            }
            return seconds
        case let other?:
            throw TOMLError(line: line, message: "agent.\(key) must be a duration like \"5s\", not \(other.kind)")
        case nil:
            return nil
        }
    }
}
