import CoreMetrics
import Foundation
import HoistCore
import Metrics
import Prometheus

/// The agent's Prometheus metrics, kept through swift-metrics with the swift-prometheus backend.
///
/// Each instance owns its own collector registry and passes its factory to every metric, so
/// nothing depends on the process-wide `MetricsSystem.bootstrap` (which may run only once) and
/// tests can build as many as they like. The agent serves `exposition()` at `/metrics`.
///
/// Invariants:
/// - every metric exists from construction, at 0, so a scrape never misses a series; that includes
///   `hoist_jobs{state}` for every `JobState`;
/// - no label carries a file name, object key or job id: labels are bounded sets (job states and
///   API operation names), so the series count never grows with the number of files;
/// - counters only go up: a new run of a job (whose own counts restart at 0) is a new baseline,
///   never a decrease.
public final class AgentMetrics: @unchecked Sendable {
    public let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    /// Monotonic seconds, for import durations (injectable so tests need no waiting).
    private let monotonicNow: @Sendable () -> Double

    let uploadBytes: CoreMetrics.Counter
    let resentBytes: CoreMetrics.Counter
    let uploadParts: CoreMetrics.Counter
    let partsInFlight: CoreMetrics.Gauge
    let networkUp: CoreMetrics.Gauge
    /// 1 while the journal file is the one the agent opened; 0 once it was removed or replaced.
    let journalOK: CoreMetrics.Gauge
    let importDuration: CoreMetrics.Timer
    let lastSuccess: CoreMetrics.Gauge
    let jobs: [JobState: CoreMetrics.Gauge]

    private let lock = NSLock()
    private var retryCounters: [String: CoreMetrics.Counter] = [:]
    /// What each running upload had reported when it was last seen, to turn its per-run totals
    /// into increments.
    private var uploads: [String: UploadTally] = [:]
    /// When each followed import started, on `monotonicNow`.
    private var importsStarted: [String: Double] = [:]

    struct UploadTally {
        var bytesSent: Int64 = 0
        var bytesResent: Int64 = 0
        var partsInFlight = 0
    }

    /// Import durations run from minutes to hours.
    static let importBuckets: [Duration] = [30, 60, 120, 300, 600, 900, 1800, 3600, 7200].map { .seconds($0) }

    public init(monotonicNow: @escaping @Sendable () -> Double = AgentMetrics.uptimeSeconds) {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets["hoist_import_duration_seconds"] = Self.importBuckets
        self.registry = registry
        self.factory = factory
        self.monotonicNow = monotonicNow
        uploadBytes = CoreMetrics.Counter(label: "hoist_upload_bytes_total", factory: factory)
        resentBytes = CoreMetrics.Counter(label: "hoist_upload_resent_bytes_total", factory: factory)
        uploadParts = CoreMetrics.Counter(label: "hoist_upload_parts_total", factory: factory)
        partsInFlight = CoreMetrics.Gauge(label: "hoist_upload_parts_in_flight", factory: factory)
        networkUp = CoreMetrics.Gauge(label: "hoist_network_up", factory: factory)
        journalOK = CoreMetrics.Gauge(label: "hoist_journal_ok", factory: factory)
        importDuration = CoreMetrics.Timer(label: "hoist_import_duration_seconds", factory: factory)
        lastSuccess = CoreMetrics.Gauge(label: "hoist_last_success_timestamp_seconds", factory: factory)
        var jobs: [JobState: CoreMetrics.Gauge] = [:]
        for state in JobState.allCases {
            jobs[state] = CoreMetrics.Gauge(label: "hoist_jobs", dimensions: [("state", state.rawValue)], factory: factory)
        }
        self.jobs = jobs
        // Gauges and counters appear at 0; the network counts as up until a job finds otherwise.
        for gauge in jobs.values { gauge.record(0) }
        partsInFlight.record(0)
        lastSuccess.record(0)
        networkUp.record(1)
        journalOK.record(1)
        uploadBytes.increment(by: 0)
        resentBytes.increment(by: 0)
        uploadParts.increment(by: 0)
    }

    /// Seconds since boot on the monotonic clock.
    public static func uptimeSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    /// The Prometheus text exposition of every metric.
    public func exposition() -> String { registry.emitToString() }

    // MARK: - Feeding

    /// Updates the upload metrics from one event of the upload of job `job`.
    public func record(_ event: UploadEvent, job: String) {
        switch event {
        case .started:
            // A run's totals start at 0: keep what earlier runs counted, take this run from 0.
            lock.withLock {
                uploads[job] = UploadTally()
                updateInFlightLocked()
            }
        case .partDone:
            uploadParts.increment()
        case .retrying(let notice):
            retryCounter(for: notice.operation).increment()
        case .networkDown:
            networkUp.record(0)
        case .networkBack:
            networkUp.record(1)
        case .progress(let progress):
            tally(job: job, bytesSent: progress.bytesSent, bytesResent: progress.bytesResent,
                  partsInFlight: progress.partsInFlight)
        case .verified, .alreadyUploaded:
            // Not settled here: the run's outcome follows with its exact totals, and dropping the
            // tally first would count the whole run a second time.
            break
        case .sourceChanged, .uploadExpired, .partsMissingOnServer, .partsChangedLocally, .initiated,
             .clockCorrected, .completing, .completionRecovered, .adoptedUpload, .abortedUpload:
            break
        }
    }

    /// Settles a finished (or failed) upload run with its exact totals: progress events are
    /// throttled, so the last bytes of a run arrive only here.
    ///
    /// `job` must be the key the run's events were recorded under (the agent uses the image's
    /// name), so the settled totals add only what the progress events had not yet counted.
    public func record(_ outcome: UploadOutcome, job: String? = nil) {
        let key = job ?? outcome.jobId
        tally(job: key, bytesSent: outcome.bytesSent, bytesResent: outcome.bytesResent, partsInFlight: 0)
        finishUpload(job: key)
    }

    /// A job's upload stopped (failed, cancelled, interrupted): its parts are no longer in flight.
    public func finishUpload(job: String) {
        lock.withLock {
            uploads[job] = nil
            updateInFlightLocked()
        }
    }

    /// Updates the import metrics from one event of an import.
    ///
    /// The duration runs from `submitted` (or, after a restart, `resumed`) to `available`, on
    /// this process's clock; an import resumed by a restart counts from the restart.
    public func record(_ event: ImportEvent) {
        switch event {
        case .submitted(let job, _, _), .resumed(let job, _, _), .adopted(let job, _, _, _, _):
            let now = monotonicNow()
            lock.withLock { if importsStarted[job] == nil { importsStarted[job] = now } }
        case .retrying(let operation, _, _, _):
            retryCounter(for: operation).increment()
        case .available(let job, _):
            let now = monotonicNow()
            if let started = lock.withLock({ importsStarted.removeValue(forKey: job) }) {
                importDuration.recordNanoseconds(Int64((max(0, now - started) * 1e9).rounded()))
            }
        case .failed(let job, _), .cancelled(let job):
            _ = lock.withLock { importsStarted.removeValue(forKey: job) }
        case .inspected, .tokenCommitted, .progress, .warning, .waitingForEarlierImport:
            break
        }
    }

    /// Sets `hoist_jobs{state}` from the journal's counts; a state not in `counts` is 0.
    /// An image removed, or replaced by a new file, while it was uploaded
    /// (`hoist_sources_gone_total{reason="removed"|"replaced"}`).
    public func sourceGone(replaced: Bool) {
        CoreMetrics.Counter(label: "hoist_sources_gone_total", dimensions: [("reason", replaced ? "replaced" : "removed")],
                            factory: factory).increment()
    }

    /// The journal file is gone or another file: `hoist_journal_ok` drops to 0.
    public func journalLost() { journalOK.record(0) }

    public func setJobCounts(_ counts: [JobState: Int]) {
        for (state, gauge) in jobs { gauge.record(counts[state] ?? 0) }
    }

    /// A job finished successfully (filed to `done/`, with or without an import), at `date`.
    public func jobSucceeded(at date: Date = Date()) {
        lastSuccess.record(date.timeIntervalSince1970)
    }

    // MARK: - Pieces

    /// Turns a run's cumulative totals into counter increments.
    private func tally(job: String, bytesSent: Int64, bytesResent: Int64, partsInFlight: Int) {
        let (sent, resent) = lock.withLock { () -> (Int64, Int64) in
            var tally = uploads[job] ?? UploadTally()
            // Totals below the last seen ones mean a new run whose `.started` was missed.
            let sent = bytesSent >= tally.bytesSent ? bytesSent - tally.bytesSent : bytesSent
            let resent = bytesResent >= tally.bytesResent ? bytesResent - tally.bytesResent : bytesResent
            tally.bytesSent = bytesSent
            tally.bytesResent = bytesResent
            tally.partsInFlight = partsInFlight
            uploads[job] = tally
            updateInFlightLocked()
            return (sent, resent)
        }
        if sent > 0 { uploadBytes.increment(by: sent) }
        if resent > 0 { resentBytes.increment(by: resent) }
    }

    private func updateInFlightLocked() {
        partsInFlight.record(uploads.values.reduce(0) { $0 + $1.partsInFlight })
    }

    private func retryCounter(for operation: String) -> CoreMetrics.Counter {
        let name = Self.operationLabel(operation)
        return lock.withLock {
            if let counter = retryCounters[name] { return counter }
            let counter = CoreMetrics.Counter(label: "hoist_request_retries_total", dimensions: [("operation", name)],
                                  factory: factory)
            retryCounters[name] = counter
            return counter
        }
    }

    /// The API name of an operation, without part numbers or other per-request detail, so the
    /// label has a small fixed set of values: `UploadPart 17` → `UploadPart`.
    static func operationLabel(_ operation: String) -> String {
        let word = operation.prefix { $0.isASCII && ($0.isLetter || $0.isNumber) }
        return word.isEmpty ? "other" : String(word)
    }
}
