import Foundation
import HoistCore
import Synchronization

/// The agent: takes each image `DropScanner` finds ready, runs its job (upload, then import
/// followed until the image is Available) on a shared `HoistRuntime`, and files the image with
/// `Disposition`, keeping `AgentMetrics` and the service manager's status current.
///
/// Rules:
/// - the journal file is checked every second: removed or replaced under the agent, it is said
///   loudly and `run()` stops taking files, stops its jobs and throws `AgentStop.journalLost`;
/// - a watch folder has one agent: `run()` throws `WatchFolderError` when another agent holds
///   one of its folders (`WatchFolderLock`), before it takes anything;
/// - at most `maxJobs` jobs run at once; the rest wait in order;
/// - a transient failure (network, throttling, ECS busy or unreachable) and a job whose lock
///   another process holds are tried again after `retryDelay`, never filed as failures;
/// - at start, jobs the journal shows unfinished whose image is still in a watch folder are
///   resumed first (`JobRunner.resume`), so parts already safe are not sent again;
/// - `READY=1` once the journal is open (the runtime exists) and the start-up scan is done;
///   `WATCHDOG=1` at half of `WATCHDOG_USEC` when set;
/// - `apply(_:)` (SIGHUP's reload) changes the settings of jobs not yet started, the scanner's
///   timing and `maxJobs` while running; watch folders and the metrics address need a restart;
/// - cancelling `run()` stops taking files, sends `STOPPING=1` (with `EXTEND_TIMEOUT_USEC=`),
///   cancels the running jobs (the engine leaves the journal consistent and the image where it
///   is, so the next start resumes it) and returns once they have stopped.
public final class AgentService: Sendable {
    public let runtime: HoistRuntime
    public let metrics: AgentMetrics
    public let notifier: SystemdNotifier
    /// The settings in force; `apply(_:)` replaces them.
    let live: Mutex<AgentSettings>
    /// The running scanner, to retune on `apply(_:)`.
    let scanner = Mutex<DropScanner?>(nil)
    /// Wakes the run loop to look at `maxJobs` again.
    let wake = Mutex<AsyncStream<Void>.Continuation?>(nil)
    /// How every job runs: never giving up, following each import to its end.
    let runOptions: JobRunOptions
    let onEvent: @Sendable (AgentEvent) -> Void
    let status = AgentStatus()
    /// When this agent started, as the status file says.
    let startedAt = Date()
    /// Whether the status file is kept: true from the start until `run()` ends. Its lock also
    /// keeps two writers (a job's event thread, the heartbeat) from sharing the temporary file.
    private let statusFileKept = Mutex(true)
    private let running = Mutex(0)
    /// Paths queued, waiting to be tried again, or running: an image is never worked on twice
    /// at once (a resumed job's image also shows up in the start-up scan).
    private let claimed = Mutex(Set<String>())
    /// Paths that became ready again while claimed (a new file renamed over one being uploaded):
    /// taken as a new drop once the claim ends, since the scanner reports a file only once.
    private let deferred = Mutex(Set<String>())

    /// The extra stop time asked of the service manager (`EXTEND_TIMEOUT_USEC=`).
    static let stopAllowance: Duration = .seconds(30)
    /// How often the journal file's identity is checked: one `stat`.
    static let journalCheckInterval: Duration = .seconds(1)
    /// Why the run stopped on its own: the journal was removed or replaced.
    private let journalLost = Mutex<String?>(nil)

    public init(settings: AgentSettings, runtime: HoistRuntime, metrics: AgentMetrics = AgentMetrics(),
                notifier: SystemdNotifier = SystemdNotifier(),
                importSettings: ImportTracker.Settings = ImportTracker.Settings(),
                onEvent: @escaping @Sendable (AgentEvent) -> Void = { _ in }) {
        live = Mutex(settings)
        self.runtime = runtime
        self.metrics = metrics
        self.notifier = notifier
        runOptions = DropJobPlan.runOptions(importSettings)
        self.onEvent = onEvent
    }

    /// The settings in force now.
    public var settings: AgentSettings { live.withLock { $0 } }

    /// The pause before work that failed transiently is tried again.
    var retryDelay: Duration { .milliseconds(Int64(settings.retryDelay * 1000)) }

    /// Runs until cancelled. Throws only when the watch folders cannot be watched at all.
    public func run() async throws {
        for folder in settings.watch {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        let folderLocks = try await WatchFolderLock.acquire(settings.watch, in: runtime.settings.lockDirectory)
        defer { folderLocks.forEach { $0.release() } }
        let (work, submit) = AsyncStream.makeStream(of: AgentWork.self)
        let (freed, slotFreed) = AsyncStream.makeStream(of: Void.self)
        wake.withLock { $0 = slotFreed }
        onEvent(.watching(settings.watch))
        for item in await unfinishedJobs() { enqueue(item, submit) }
        await refreshJobCounts()
        let scanner = try DropScanner(DropScanner.Configuration(settings)) { [self] in
            notifier.ready(status: status.line)
            onEvent(.ready)
        }
        self.scanner.withLock { $0 = scanner }
        let forwarding = Task { [self] in
            for await drop in scanner.drops {
                switch drop {
                case .ready(let path, _):
                    enqueue(.drop(path: path, watchFolder: Self.folder(of: path)), submit)
                case .refused(let path, let refusal):
                    enqueue(.refused(path: path, because: refusal, watchFolder: Self.folder(of: path)), submit)
                }
            }
        }
        let heartbeat = Task { [self] in await beat() }
        let journalWatch = Task { [self] in await watchJournal { submit.finish() } }
        let retention = Task { [self] in await pruneJournal() }
        // Discarding: a task group keeps every finished child (and its memory) until it is
        // awaited, and this loop never awaits them, so a plain group grew by each job for ever
        // (about 57 KB a job, measured with heaptrack in benchmarks/soak).
        await withDiscardingTaskGroup { group in
            var slots = freed.makeAsyncIterator()
            for await item in work {
                while running.withLock({ $0 }) >= settings.maxJobs {
                    guard await slots.next() != nil, !Task.isCancelled else { break }
                }
                if Task.isCancelled || journalLost.withLock({ $0 }) != nil { break }
                status.queued(-1)
                running.withLock { $0 += 1 }
                group.addTask { [self] in
                    let again = await process(item)
                    running.withLock { $0 -= 1 }
                    slotFreed.yield()
                    await refreshJobCounts()
                    publish()
                    guard again else {
                        claimed.withLock { _ = $0.remove(item.path) }
                        if deferred.withLock({ $0.remove(item.path) }) != nil {
                            enqueue(.drop(path: item.path, watchFolder: item.watchFolder), submit)
                        }
                        return
                    }
                    // Not a failure: the same work goes back in the queue after a pause.
                    status.queued(1)
                    publish()
                    do { try await Task.sleep(for: retryDelay) } catch { return }
                    submit.yield(item)
                }
            }
            onEvent(.stopping)
            notifier.stopping(status: "stopping; running jobs resume at the next start")
            // Running parts finish or stop and the journal is written; ask for the time that takes.
            notifier.extendTimeout(by: Self.stopAllowance)
            scanner.stop()
            group.cancelAll()
        }
        forwarding.cancel()
        heartbeat.cancel()
        journalWatch.cancel()
        retention.cancel()
        await heartbeat.value
        wake.withLock { $0 = nil }
        self.scanner.withLock { $0 = nil }
        statusFileKept.withLock { kept in
            kept = false
            AgentStatusFile.remove(at: AgentStatusFile.path(in: runtime.stateDirectory),
                                   pid: ProcessInfo.processInfo.processIdentifier)
        }
        slotFreed.finish()
        submit.finish()
        if let lost = journalLost.withLock({ $0 }) { throw AgentStop.journalLost(lost) }
    }

    /// How often ended jobs older than `keep-jobs` are pruned from the journal (and once at start).
    static let pruneInterval: Duration = .seconds(3600)

    /// Retention: the journal of a service that runs for months keeps only its recent past.
    private func pruneJournal() async {
        while !Task.isCancelled {
            let keep = settings.keepJobs
            if keep > 0, let pruned = try? await runtime.journal.pruneJobs(endedBefore: Date().addingTimeInterval(-keep)),
               !pruned.isEmpty {
                onEvent(.pruned(count: pruned.count, keptSeconds: keep))
            }
            do { try await Task.sleep(for: Self.pruneInterval) } catch { return }
        }
    }

    /// Checks every `journalCheckInterval` that the journal file is still the one opened; once
    /// it is not, says so everywhere (log, `STATUS=`, `hoist_journal_ok`) and calls `stop`.
    private func watchJournal(stop: @Sendable () -> Void) async {
        while !Task.isCancelled {
            if let change = runtime.journal.fileChange() {
                journalLost.withLock { $0 = change }
                metrics.journalLost()
                onEvent(.journalLost(change))
                notifier.status("JOURNAL LOST: \(change); stopping")
                stop()
                return
            }
            do { try await Task.sleep(for: Self.journalCheckInterval) } catch { return }
        }
    }

    private func enqueue(_ item: AgentWork, _ submit: AsyncStream<AgentWork>.Continuation) {
        guard claimed.withLock({ $0.insert(item.path).inserted }) else {
            if case .drop = item { deferred.withLock { _ = $0.insert(item.path) } }
            return
        }
        status.queued(1)
        submit.yield(item)
        publish()
    }

    /// Sends the status line to the service manager and writes it, with the jobs' progress, to
    /// the status file `hoist status` reads.
    func publish() {
        let snapshot = status.snapshot
        notifier.status(AgentStatus.line(snapshot))
        let file = AgentStatusFile(pid: ProcessInfo.processInfo.processIdentifier, since: startedAt, snapshot: snapshot)
        statusFileKept.withLock { kept in
            guard kept else { return }
            try? file.save(to: AgentStatusFile.path(in: runtime.stateDirectory))
        }
    }

    /// `WATCHDOG=1` at half the interval systemd expects, and the status line refreshed so a
    /// network outage's duration stays current.
    private func beat() async {
        let interval = notifier.watchdogInterval.map { $0 / 2 } ?? .seconds(10)
        while !Task.isCancelled {
            if notifier.watchdogInterval != nil { notifier.watchdog() }
            publish()
            do { try await Task.sleep(for: min(interval, .seconds(10))) } catch { return }
        }
    }

    private func refreshJobCounts() async {
        guard let jobs = try? await runtime.journal.jobs() else { return }
        metrics.setJobCounts(Dictionary(grouping: jobs, by: \.state).mapValues(\.count))
    }

    static func folder(of path: String) -> String {
        (path as NSString).deletingLastPathComponent
    }

    /// Jobs left unfinished by an earlier run whose image is still directly in a watch folder.
    func unfinishedJobs() async -> [AgentWork] {
        let open: Set<JobState> = [.pending, .uploading, .verifying, .uploaded, .importing]
        guard let jobs = try? await runtime.journal.jobs(in: open) else { return [] }
        let folders = Set(settings.watch)
        return jobs.compactMap { job in
            let folder = Self.folder(of: job.sourcePath)
            guard folders.contains(folder), FileManager.default.fileExists(atPath: job.sourcePath) else { return nil }
            return .resume(jobId: job.id, path: job.sourcePath, watchFolder: folder)
        }
    }
}

/// Why `AgentService.run()` ended on its own, not by cancellation.
public enum AgentStop: Error, Sendable, Equatable, CustomStringConvertible {
    case journalLost(String)

    public var description: String {
        switch self {
        case .journalLost(let reason): "\(reason); restart the agent (systemd does, Restart=on-failure)"
        }
    }
}
