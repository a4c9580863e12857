import Foundation
import HoistCore
import HoistEmulator
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// An `ImportScenario` plus a watch folder and the `hoist agent` command line pointed at the
/// emulator: small parts (so an upload has many), files taken as soon as they are seen
/// (`--settle 0 --min-age 0`: each test drops files whole, by rename), fast import polling.
struct AgentScenario {
    let imports: ImportScenario
    var base: UploadScenario { imports.base }
    var server: EmulatorServer { base.server }
    var watch: String { base.directory + "/incoming" }
    var done: String { watch + "/done" }
    var failed: String { watch + "/failed" }

    init(_ imports: ImportScenario) throws {
        self.imports = imports
        try FileManager.default.createDirectory(atPath: base.directory + "/incoming", withIntermediateDirectories: true)
        try writeConfig()
    }

    var configPath: String { base.directory + "/hoist.toml" }

    /// (Re)writes the agent's config: the scenario's part size, `parallel` parts in flight, then `extra`.
    func writeConfig(_ extra: String = "", parallel: Int = 2) throws {
        let config = "[upload]\npart-size = \"\(base.partSize)\"\nparallel = \(parallel)\n" + extra
        try Data(config.utf8).write(to: URL(fileURLWithPath: configPath))
    }

    var arguments: [String] {
        ["agent", "--watch", watch, "--state-dir", base.stateDirectory, "--config", base.directory + "/hoist.toml",
         "--endpoint", server.baseURL, "--ecs-endpoint", server.baseURL, "--region", "cn-hangzhou",
         "--bucket", base.bucket, "--settle", "0", "--min-age", "0", "--poll-interval", "0.1", "--retry-delay", "0.2"]
    }

    func startAgent(environment extra: [String: String] = [:]) throws -> HoistChild {
        try base.start(arguments, environment: base.environment.merging(extra) { $1 })
    }

    /// Moves a file made in the scenario's folder into the watch folder in one rename, as a
    /// build that writes elsewhere and then publishes would.
    @discardableResult
    func drop(_ path: String, manifest: String? = nil) throws -> String {
        let name = (path as NSString).lastPathComponent
        if let manifest {
            try Data(manifest.utf8).write(to: URL(fileURLWithPath: watch + "/" + name + ".toml"))
        }
        let target = watch + "/" + name
        guard rename(path, target) == 0 else { throw POSIXError(.EIO) }
        return target
    }

    func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    /// The parsed `done/NAME.result.json`.
    func result(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: done + "/" + name + ".result.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// Stops the agent with SIGTERM and returns its run.
    func stop(_ agent: HoistChild) async -> HoistRun {
        agent.signal(SIGTERM)
        return await agent.wait(timeout: 60)
    }
}

/// Runs `body` with an emulator, a watch folder and quick imports, and always closes them.
func withAgentScenario(importSeconds: Double = 0.3, faults: FaultSettings = FaultSettings(),
                       _ body: (AgentScenario) async throws -> Void) async throws {
    try await withImportScenario(importSeconds: importSeconds, faults: faults) { imports in
        try await body(try AgentScenario(imports))
    }
}
