/// What `hoist bench` measured, and the one piece of advice it draws from it.
///
/// A pure value: the advice is a function of the numbers alone, so its rules are unit-tested
/// with made-up runs.
public struct BenchReport: Sendable, Equatable {
    public var location: ObjectLocation
    public var uploadId: String
    /// Bytes sent: every part OSS acknowledged with a matching CRC-64, plus, when `--duration`
    /// ran out first, what the parts still in flight had sent by then.
    public var bytes: Int64
    public var seconds: Double
    public var partSize: Int64
    /// Parts OSS acknowledged.
    public var parts: Int
    /// Parts in flight at the end: the fixed `--parallel N`, or the level `auto` reached.
    public var partsInFlight: Int
    /// With `--parallel auto`, where the tuner was at the end; nil for a fixed `--parallel N`.
    public var tuning: Tuning?
    /// User plus system CPU time of the process during the run (`getrusage`).
    public var cpuSeconds: Double
    /// Cores the process could run on.
    public var cores: Int
    /// Requests retried, of any cause.
    public var retries: Int
    /// Of those, answers where OSS asked to slow down (`SlowDown`, HTTP 503).
    public var throttledRetries: Int
    /// The bandwidth cap in force at the end (bytes per second); nil: unlimited.
    public var bandwidthCap: Int64?
    public var cleanup: BenchCleanup

    public enum Tuning: String, Sendable, Equatable {
        /// The tuner found the level that fills the link.
        case settled
        /// Still trying levels when the run ended.
        case searching
    }

    public enum Advice: String, Sendable, Equatable {
        case throttled
        case capped
        case cpuBound = "cpu-bound"
        case networkBound = "network-bound"
        case inconclusive
    }

    public init(location: ObjectLocation, uploadId: String, bytes: Int64, seconds: Double, partSize: Int64, parts: Int,
                partsInFlight: Int, tuning: Tuning?, cpuSeconds: Double, cores: Int, retries: Int, throttledRetries: Int,
                bandwidthCap: Int64?, cleanup: BenchCleanup) {
        self.location = location
        self.uploadId = uploadId
        self.bytes = bytes
        self.seconds = seconds
        self.partSize = partSize
        self.parts = parts
        self.partsInFlight = partsInFlight
        self.tuning = tuning
        self.cpuSeconds = cpuSeconds
        self.cores = cores
        self.retries = retries
        self.throttledRetries = throttledRetries
        self.bandwidthCap = bandwidthCap
        self.cleanup = cleanup
    }

    /// A cap counts as the limit when the rate reached this share of it.
    static let nearCap = 0.8
    /// The process counts as CPU-bound when it used this share of every core.
    static let busyCores = 0.75

    public var bytesPerSecond: Double { seconds > 0 ? Double(bytes) / seconds : 0 }

    /// Decimal megabytes per second, as `hoist upload` prints rates.
    public var megabytesPerSecond: Double { bytesPerSecond / 1_000_000 }

    /// CPU seconds spent per GiB sent.
    public var cpuSecondsPerGiB: Double {
        bytes > 0 ? cpuSeconds / (Double(bytes) / 1_073_741_824) : 0
    }

    /// Which limit the run hit, strongest evidence first: the server saying so, then a cap the
    /// user set, then the host's CPU, then the network itself (once the level is known).
    public var advice: Advice {
        if throttledRetries > 0 { return .throttled }
        if let bandwidthCap, bytesPerSecond >= Double(bandwidthCap) * Self.nearCap { return .capped }
        if seconds > 0, cpuSeconds / seconds >= Double(max(1, cores)) * Self.busyCores { return .cpuBound }
        if tuning != .searching { return .networkBound }
        return .inconclusive
    }

    /// The advice as one line for a person.
    public var adviceText: String {
        switch advice {
        case .throttled:
            return "throttled by the server: \(throttledRetries) request(s) were answered SlowDown/503; more parts "
                + "in flight will not help, the bucket's request or bandwidth limit will (ask Alibaba Cloud to raise it)"
        case .capped:
            let cap = Double(bandwidthCap ?? 0) / 1_000_000
            return "capped by configuration: the rate is near the bandwidth cap of \(Self.decimal(cap)) MB/s "
                + "(--bandwidth, HOIST_BANDWIDTH or [upload] bandwidth/schedule); lift it to measure the link"
        case .cpuBound:
            return "CPU-bound: hoist kept \(Self.decimal(cpuSeconds / seconds)) of \(cores) cores busy; the host, not the "
                + "link, is the limit (a larger --part-size costs less CPU per byte)"
        case .networkBound:
            let how = tuning == nil ? "at --parallel \(partsInFlight)" : "auto settled at \(partsInFlight) parts in flight"
            return "network-bound: \(how) with little CPU; the link to OSS is the limit"
        case .inconclusive:
            return "inconclusive: auto was still searching (\(partsInFlight) parts in flight) when the run ended; "
                + "run longer (a larger --size or --duration) for a settled answer"
        }
    }

    static func decimal(_ value: Double) -> String {
        let tenths = (value * 10).rounded() / 10
        return tenths == tenths.rounded() ? String(Int(tenths)) : String(tenths)
    }
}
