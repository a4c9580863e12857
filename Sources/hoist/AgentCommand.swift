import ArgumentParser
import Foundation
import HoistAgent
import HoistCore
#if canImport(Glibc)
import Glibc
#endif

/// `hoist agent`: the long-running service that uploads and imports every image dropped in
/// the watch folders. Argument parsing and printing only; the work is `AgentService`'s.
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "Watch folders and upload and import every disk image dropped in them.",
        discussion: """
        Each complete image dropped in a watch folder (it must stop changing for --settle and be \
        at least --min-age old) is uploaded to oss://BUCKET/PREFIX/NAME and imported as an ECS \
        custom image, followed until it is Available. Its import parameters come from the \
        config's [import] table, overridden by NAME.toml beside the image (e.g. \
        disk.qcow2.toml) or, without one, by the folder's _defaults.toml. With no image name the \
        name is derived from the file name.

        A success moves the image to done/NAME with done/NAME.result.json (object, size, CRC-64, \
        image id). A failure moves it to failed/NAME with failed/NAME.error, whose first line says \
        what went wrong (naming the manifest's file and line when a manifest is at fault). \
        Network loss, throttling and a busy ECS are never failures: the job waits and goes on. \
        A job another hoist is running (e.g. `hoist upload` of the same file) is tried again later.

        SIGTERM or SIGINT stops gracefully: no new files are taken, running jobs stop where they \
        can resume, and the agent exits 0. The next start resumes them, sending only the parts \
        not yet safe. SIGHUP (systemctl reload hoist) reads the config again: settle, min-age, \
        rescan-interval, max-jobs, delete-after-import, done-dir, failed-dir, import, retry-delay, keep-jobs \
        and the [import] table apply to jobs not yet started; watch folders, the metrics address \
        and the [oss], [upload], [state] and [ecs] tables need a restart. A config with a mistake \
        is reported (file:line) and the previous one stays in force. Command-line flags and \
        environment variables keep the values they had at start.

        Under systemd (Type=notify) it sends READY=1 once the journal is open and the first scan \
        is done, keeps STATUS= current, and pings the watchdog when WatchdogSec= is set. One \
        line per event goes to stderr (journalctl -u hoist shows them).

        Examples:
          hoist agent --watch /var/spool/hoist/incoming --bucket images --region cn-hangzhou
          hoist agent --config /etc/hoist/hoist.toml --metrics-address 127.0.0.1:9464
          hoist agent --watch ./drop --state-dir ./state --endpoint http://127.0.0.1:9000 \\
              --ecs-endpoint http://127.0.0.1:9000 --bucket images --region cn-hangzhou
        """)

    @OptionGroup var oss: OSSOptions
    @OptionGroup var ecs: ECSEndpointOption
    @OptionGroup var bandwidth: BandwidthOption

    @Option(name: .customLong("watch"), help: ArgumentHelp(
        "A folder to watch; repeat for several (env HOIST_WATCH, config [agent] watch; default "
        + AgentSettings.defaultWatch + ").", valueName: "dir"))
    var watch: [String] = []

    @Option(name: .customLong("metrics-address"), help: ArgumentHelp(
        "Serve Prometheus metrics at http://ADDRESS/metrics, loopback only, e.g. 127.0.0.1:9464 "
        + "(env HOIST_METRICS_ADDRESS, config [agent] metrics-address; default: off).", valueName: "host:port"))
    var metricsAddress: String?

    @Option(name: .customLong("max-jobs"), help: ArgumentHelp(
        "Jobs at once (env HOIST_MAX_JOBS, config [agent] max-jobs; default \(AgentSettings.defaultMaxJobs)).",
        valueName: "n"))
    var maxJobs: Int?

    @Option(name: .customLong("keep-jobs"), help: ArgumentHelp(
        "Jobs that ended longer ago leave the journal, checked hourly: 30d, 12h; 0 keeps every job "
        + "(env HOIST_KEEP_JOBS, config [agent] keep-jobs; default 30d).", valueName: "duration"))
    var keepJobs: DurationArgument?

    @Option(help: ArgumentHelp(
        "How long a file's size and mtime must stay the same before it is taken: 5s, 1m, or seconds "
        + "(env HOIST_SETTLE, config [agent] settle; default 5s).", valueName: "duration"))
    var settle: DurationArgument?

    @Option(name: .customLong("min-age"), help: ArgumentHelp(
        "How long since a file's last change before it is taken: 2s, or seconds "
        + "(env HOIST_MIN_AGE, config [agent] min-age; default 2s).", valueName: "duration"))
    var minimumAge: DurationArgument?

    @Option(name: .customLong("poll-interval"), help: ArgumentHelp(
        "First wait between checks of an import, then doubling up to 60s (default 10s).", valueName: "duration"))
    var pollInterval: DurationArgument = DurationArgument(.seconds(10))

    @Option(help: .hidden)
    var retryDelay: DurationArgument?

    /// Set by `hoist demo`, which runs the agent as its child: stop when that process is gone.
    @Option(help: .hidden)
    var exitWithParent: Int32?

    func run() async throws {
        // Until the reload is wired (HangupTrap below), a SIGHUP must not end the agent.
        signal(SIGHUP, SIG_IGN)
        if let exitWithParent { ParentWatch.terminateWhenGone(parent: exitWithParent) }
        let service: AgentService
        let source: AgentSettingsSource
        do {
            var runtimeFlags = HoistConfig()
            bandwidth.apply(to: &runtimeFlags)
            let options = try oss.runtimeOptions(runtimeFlags, ecsEndpoint: ecs.ecsEndpoint)
            let settings: AgentSettings
            let flags = AgentConfig(watch: watch.isEmpty ? nil : watch, settle: settle?.duration.seconds,
                                    minimumAge: minimumAge?.duration.seconds,
                                    maxJobs: maxJobs, metricsAddress: metricsAddress, retryDelay: retryDelay?.duration.seconds,
                                    keepJobs: keepJobs.map { $0.duration.seconds })
            source = AgentSettingsSource(flags: flags, environment: options.environment, configPath: options.configPath)
            do {
                settings = try source.load()
            } catch {
                throw UsageFailure(error.description)
            }
            let runtime: HoistRuntime
            do {
                runtime = try HoistRuntime(options)
                _ = try runtime.settings.oss()
                _ = try await runtime.credentials()
            } catch {
                throw error.commandFailure
            }
            service = AgentService(settings: settings, runtime: runtime,
                                   importSettings: ImportTracker.Settings(
                                       poll: ImportPollSchedule(initial: pollInterval.duration,
                                                                maximum: max(pollInterval.duration, .seconds(60))))) { event in
                StandardError.write("hoist agent: \(event)\n")
            }
        } catch let failure as UsageFailure {
            StandardError.write("hoist agent: \(failure)\n")
            throw ExitCode(HoistExit.usage)
        } catch let failure as GeneralFailure {
            StandardError.write("hoist agent: \(failure)\n")
            throw ExitCode(HoistExit.failure)
        }
        defer { service.runtime.shutdown() }
        let hangup = HangupTrap { service.reload(from: source) }
        var endpoint: MetricsEndpoint?
        if let address = service.settings.metricsAddress {
            do {
                endpoint = try await MetricsEndpoint.start(address, metrics: service.metrics)
                StandardError.write("hoist agent: metrics at http://\(endpoint?.address ?? address)/metrics\n")
            } catch {
                StandardError.write("hoist agent: cannot serve metrics at \(address): \(error)\n")
                throw ExitCode(HoistExit.failure)
            }
        }
        let work = Task { try await service.run() }
        let trap = SignalTrap { _ in work.cancel() }
        let result = await work.result
        await endpoint?.stop()
        _ = trap
        _ = hangup
        if case .failure(let error) = result {
            if let stop = error as? AgentStop {
                StandardError.write("hoist agent: stopped: \(stop)\n")
                throw ExitCode(HoistExit.failure)
            }
            if let watched = error as? WatchFolderError, case .watched = watched {
                StandardError.write("hoist agent: not started: \(watched)\n")
                throw ExitCode(HoistExit.locked)
            }
            StandardError.write("hoist agent: cannot watch the folders: \(error)\n")
            throw ExitCode(HoistExit.failure)
        }
        StandardError.write("hoist agent: stopped\n")
    }
}
