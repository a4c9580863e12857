import Foundation
import HoistCore

/// What a reload changed: the settings now in force, and those that differ but wait for a
/// restart because something built once at start depends on them.
public struct AgentSettingsChange: Sendable, Equatable {
    /// Config keys whose new values are in force (e.g. `max-jobs`, `import`).
    public var applied: [String] = []
    /// Config keys or tables whose new values are ignored until the agent restarts.
    public var needRestart: [String] = []

    public init(applied: [String] = [], needRestart: [String] = []) {
        self.applied = applied
        self.needRestart = needRestart
    }

    /// Settings a running agent takes at once: the scanner's timing and folders to skip, the
    /// job count, filing, import defaults and the retry pause. Jobs already running keep what
    /// they started with; the next job uses the new values.
    static let live: [(key: String, differs: @Sendable (AgentSettings, AgentSettings) -> Bool)] = [
        ("settle", { $0.settle != $1.settle }),
        ("min-age", { $0.minimumAge != $1.minimumAge }),
        ("rescan-interval", { $0.rescanInterval != $1.rescanInterval }),
        ("max-jobs", { $0.maxJobs != $1.maxJobs }),
        ("delete-after-import", { $0.deleteAfterImport != $1.deleteAfterImport }),
        ("done-dir", { $0.doneDirectory != $1.doneDirectory }),
        ("failed-dir", { $0.failedDirectory != $1.failedDirectory }),
        ("import", { $0.importImages != $1.importImages }),
        ("retry-delay", { $0.retryDelay != $1.retryDelay }),
        ("keep-jobs", { $0.keepJobs != $1.keepJobs }),
        ("[import]", { $0.importDefaults.parameters != $1.importDefaults.parameters
            || $0.importDefaults.importEnabled != $1.importDefaults.importEnabled }),
    ]

    /// The change from `old` to `new`, and the settings to run with: `new`, except the watch
    /// folders (inotify watches) and the metrics address (a bound socket), which keep `old`'s.
    static func between(_ old: AgentSettings, _ new: AgentSettings) -> (AgentSettingsChange, AgentSettings) {
        var change = AgentSettingsChange()
        change.applied = live.filter { $0.differs(old, new) }.map(\.key)
        var kept = new
        if old.watch != new.watch { change.needRestart.append("watch") }
        if old.metricsAddress != new.metricsAddress { change.needRestart.append("metrics-address") }
        kept.watch = old.watch
        kept.metricsAddress = old.metricsAddress
        return (change, kept)
    }
}

extension AgentService {
    /// Puts `new` in force for everything that can change without a restart (see
    /// `AgentSettingsChange.live`) and reports what changed. The hook of every runtime setting
    /// that a SIGHUP reloads: running jobs finish with the settings they started with.
    @discardableResult
    public func apply(_ new: AgentSettings) -> AgentSettingsChange {
        let (change, kept) = live.withLock { current -> (AgentSettingsChange, AgentSettings) in
            let result = AgentSettingsChange.between(current, new)
            current = result.1
            return result
        }
        scanner.withLock { $0 }?.update(DropScanner.Configuration(kept))
        // A higher max-jobs takes effect now, not when the next job ends.
        wake.withLock { $0 }?.yield()
        return change
    }

    /// Reads the config again from `source` and applies it, reporting the outcome as one event.
    /// A config that cannot be used changes nothing: the agent keeps running as it was.
    @discardableResult
    public func reload(from source: AgentSettingsSource) -> AgentSettingsChange? {
        let new: AgentSettings
        do {
            new = try source.load()
        } catch {
            onEvent(.reloadFailed(error.description))
            return nil
        }
        let plan: BandwidthPlan
        do {
            plan = try source.bandwidthPlan(for: runtime)
        } catch {
            onEvent(.reloadFailed(error.description))
            return nil
        }
        var change = apply(new)
        // The shared bandwidth budget takes the new cap at its next grant: parts in flight go on.
        if plan != runtime.bandwidth.plan {
            runtime.bandwidth.update(plan)
            change.applied.append("bandwidth")
        }
        change.needRestart += source.runtimeTablesChanged(from: runtime) ?? []
        onEvent(.reloaded(change))
        return change
    }
}
