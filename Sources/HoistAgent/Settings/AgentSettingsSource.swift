import Foundation
import HoistCore

/// Where the agent's settings come from, kept for the agent's whole life so that SIGHUP can
/// read them again by the same rule as at start: the command line's values and the environment
/// (fixed at start) over the config file's `[agent]` and `[import]` tables (read anew each time).
public struct AgentSettingsSource: Sendable {
    public var flags: AgentSettings.Overrides
    public var environment: [String: String]
    /// nil: the default config path, where a missing file is an empty config.
    public var configPath: String?
    public var workingDirectory: String

    public init(flags: AgentSettings.Overrides, environment: [String: String], configPath: String?,
                workingDirectory: String = FileManager.default.currentDirectoryPath) {
        self.flags = flags
        self.environment = environment
        self.configPath = configPath
        self.workingDirectory = workingDirectory
    }

    /// Reads the config file and resolves the settings. A mistake throws `AgentSettingsError`
    /// whose description starts with `FILE:LINE:` when a line of the file is at fault.
    public func load() throws(AgentSettingsError) -> AgentSettings {
        do {
            let imports = try ImportConfig.load(path: configPath)
            return try AgentSettings.resolve(flags: flags, environment: environment,
                                             file: AgentConfig.load(path: configPath),
                                             importDefaults: imports.defaults, workingDirectory: workingDirectory)
        } catch let error as ConfigError {
            throw AgentSettingsError(description: error.description)
        } catch {
            throw AgentSettingsError(description: String(describing: error))
        }
    }

    /// The config file's settings that only a restart applies (`[oss]`, `[upload]`, `[state]`,
    /// `[ecs]`): the table names whose values differ from `runtime`'s, or nil when the file
    /// cannot be read (`load()` reports that).
    public func runtimeTablesChanged(from runtime: HoistRuntime) -> [String]? {
        guard let file = try? HoistConfig.load(path: configPath),
              let imports = try? ImportConfig.load(path: configPath) else { return nil }
        var changed: [String] = []
        // The bandwidth cap is reloaded live (`bandwidthPlan(for:)`), so it is no reason to restart.
        var comparable = file
        comparable.bandwidth = runtime.settings.file.bandwidth
        comparable.bandwidthSchedule = runtime.settings.file.bandwidthSchedule
        if comparable != runtime.settings.file { changed.append("[oss]/[upload]/[state]") }
        if imports.ecsEndpoint != runtime.settings.importConfig.ecsEndpoint { changed.append("[ecs]") }
        return changed
    }
}

extension AgentSettingsSource {
    /// The bandwidth plan the config file gives now, under the runtime's flags and environment
    /// (which keep their precedence, as at start).
    public func bandwidthPlan(for runtime: HoistRuntime) throws(AgentSettingsError) -> BandwidthPlan {
        let options = runtime.settings.options
        do {
            let file = try HoistConfig.load(path: configPath)
            return try HoistSettings.bandwidthPlan(flags: options.flags, environment: options.environment, file: file)
        } catch {
            throw AgentSettingsError(description: String(describing: error))
        }
    }
}

/// Settings that cannot be used; the description names the file and line, or the variable.
public struct AgentSettingsError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
}
