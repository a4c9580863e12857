import Foundation
import HoistCore
import Testing
@testable import HoistAgent

/// `[agent]` settings: flag > environment > config > default, and mistakes reported with their line.
@Suite struct AgentSettingsTests {
    func resolve(flags: AgentConfig = AgentConfig(), env: [String: String] = [:], file: AgentConfig = AgentConfig())
        throws -> AgentSettings {
        try AgentSettings.resolve(flags: flags, environment: env, file: file, workingDirectory: "/home/build")
    }

    @Test func defaults() throws {
        let settings = try resolve()
        #expect(settings.watch == ["/var/spool/hoist/incoming"])
        #expect(settings.doneDirectory(forWatch: settings.watch[0]) == "/var/spool/hoist/incoming/done")
        #expect(settings.failedDirectory(forWatch: settings.watch[0]) == "/var/spool/hoist/incoming/failed")
        #expect(settings.settle == 5)
        #expect(settings.minimumAge == 2)
        #expect(settings.maxJobs == 2)
        #expect(settings.deleteAfterImport == false)
        #expect(settings.rescanInterval == 300)
        #expect(settings.metricsAddress == nil)
    }

    @Test func theWholeTableParses() throws {
        let file = try AgentConfig.parse("""
            [agent]
            watch = ["/srv/in", "/srv/other/"]
            done-dir = "/srv/done"
            failed-dir = "bad"
            settle = "10s"
            min-age = 30
            max-jobs = 4
            delete-after-import = true
            rescan-interval = "2m"
            metrics-address = "127.0.0.1:9464"

            [oss]
            bucket = "left to HoistConfig"
            """, path: "/etc/hoist/hoist.toml")
        let settings = try resolve(file: file)
        #expect(settings.watch == ["/srv/in", "/srv/other"])
        #expect(settings.doneDirectory(forWatch: "/srv/in") == "/srv/done")
        #expect(settings.failedDirectory(forWatch: "/srv/other") == "/srv/other/bad")
        #expect(settings.settle == 10)
        #expect(settings.minimumAge == 30)
        #expect(settings.maxJobs == 4)
        #expect(settings.deleteAfterImport)
        #expect(settings.rescanInterval == 120)
        #expect(settings.metricsAddress == (try MetricsAddress("127.0.0.1:9464")))
        // One folder as a plain string is a list of one.
        #expect(try AgentConfig.parse("[agent]\nwatch = \"/srv/in\"").watch == ["/srv/in"])
    }

    @Test func flagBeatsEnvironmentBeatsConfigBeatsDefault() throws {
        let file = AgentConfig(watch: ["/from/config"], settle: 7, maxJobs: 3, metricsAddress: "127.0.0.1:1")
        let env = [AgentSettings.Variable.watch: "/from/env:relative/in", AgentSettings.Variable.maxJobs: "5",
                   AgentSettings.Variable.metricsAddress: "[::1]:2", AgentSettings.Variable.deleteAfterImport: "yes"]
        let fromEnv = try resolve(env: env, file: file)
        #expect(fromEnv.watch == ["/from/env", "/home/build/relative/in"])
        #expect(fromEnv.maxJobs == 5)
        #expect(fromEnv.settle == 7)
        #expect(fromEnv.metricsAddress?.description == "[::1]:2")
        #expect(fromEnv.deleteAfterImport)
        let fromFlags = try resolve(flags: AgentConfig(watch: ["./here"], maxJobs: 1, deleteAfterImport: false,
                                                       metricsAddress: "localhost:3"), env: env, file: file)
        #expect(fromFlags.watch == ["/home/build/here"])
        #expect(fromFlags.maxJobs == 1)
        #expect(fromFlags.metricsAddress?.port == 3)
        #expect(!fromFlags.deleteAfterImport)
    }

    @Test(arguments: [
        ("[agent]\nmax_jobs = 2", 2, "unknown setting agent.max_jobs"),
        ("[agent]\n\nmax-jobs = 0", 3, "agent.max-jobs must be 1-64"),
        ("[agent]\nsettle = \"soon\"", 2, "not a duration"),
        ("[agent]\nwatch = 3", 2, "a folder or a list of folders"),
        ("[agent]\nmetrics-address = \"0.0.0.0:9464\"", 2, "not a loopback address"),
        ("[agent]\ndelete-after-import = \"yes\"", 2, "must be true or false"),
    ])
    func aMistakeIsReportedAsFileAndLine(text: String, line: Int, fragment: String) {
        do {
            _ = try AgentConfig.parse(text, path: "/etc/hoist/hoist.toml")
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.description.hasPrefix("/etc/hoist/hoist.toml:\(line): "), "\(error)")
            #expect(error.description.contains(fragment), "\(error)")
        }
    }

    @Test func aConfigFileOnDiskIsRead() throws {
        let path = NSTemporaryDirectory() + "hoist-agent-config-\(UUID().uuidString).toml"
        try "[agent]\nmax-jobs = 3\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try AgentConfig.load(path: path).maxJobs == 3)
        #expect(throws: ConfigError.self) { try AgentConfig.load(path: path + ".missing") }
    }

    @Test func badEnvironmentValuesNameTheirVariable() {
        for (name, value) in [(AgentSettings.Variable.maxJobs, "many"), (AgentSettings.Variable.settle, "x"),
                              (AgentSettings.Variable.deleteAfterImport, "maybe"),
                              (AgentSettings.Variable.metricsAddress, "10.0.0.1:9464")] {
            do {
                _ = try resolve(env: [name: value])
                Issue.record("accepted \(name)=\(value)")
            } catch {
                #expect("\(error)".contains(name) || name == AgentSettings.Variable.metricsAddress, "\(error)")
            }
        }
    }
}

/// `import` and `retry-delay`, and what a reload may change while the agent runs.
@Suite struct AgentReloadSettingsTests {
    func settings(_ text: String) throws -> AgentSettings {
        try AgentSettings.resolve(flags: AgentConfig(), environment: [:], file: AgentConfig.parse(text),
                                  workingDirectory: "/srv")
    }

    @Test func importAndRetryDelayParse() throws {
        let set = try settings("[agent]\nimport = false\nretry-delay = \"2m\"\n")
        #expect(set.importImages == false && set.retryDelay == 120)
        let defaults = try settings("")
        #expect(defaults.importImages && defaults.retryDelay == 30)
        let env = try AgentSettings.resolve(flags: AgentConfig(), environment: ["HOIST_IMPORT": "no"], file: AgentConfig())
        #expect(env.importImages == false)
        #expect(throws: ConfigError.self) { try AgentConfig.parse("[agent]\n\nimport = \"no\"\n") }
    }

    @Test func liveSettingsApplyAndFoldersWaitForARestart() throws {
        let old = try settings("[agent]\nwatch = \"/srv/in\"\nmax-jobs = 2\n")
        var new = try settings("""
            [agent]
            watch = "/srv/other"
            max-jobs = 3
            delete-after-import = true
            import = false
            metrics-address = "127.0.0.1:9464"
            """)
        new.importDefaults = ImportManifest(parameters: ImportParameters(), source: "x", importEnabled: false)
        let (change, kept) = AgentSettingsChange.between(old, new)
        #expect(change.applied == ["max-jobs", "delete-after-import", "import", "[import]"])
        #expect(change.needRestart == ["watch", "metrics-address"])
        #expect(kept.watch == ["/srv/in"] && kept.metricsAddress == nil)
        #expect(kept.maxJobs == 3 && kept.deleteAfterImport && !kept.importImages)
        #expect(AgentSettingsChange.between(old, old).0 == AgentSettingsChange())
    }

    /// A manifest's `import` key wins over the table's; `hoist upload` ignores it.
    @Test func theTopLayerThatSaysDecidesImport() throws {
        var layers = ImportParameterLayers()
        #expect(layers.importEnabled == nil)
        layers.add(ImportManifest(parameters: ImportParameters(), importEnabled: false))
        layers.add(try ImportManifest(document: TOMLDocument.parse("image-name = \"x\"\n"), source: "m.toml"))
        #expect(layers.importEnabled == false)
        layers.add(try ImportManifest(document: TOMLDocument.parse("import = true\n"), source: "n.toml"))
        #expect(layers.importEnabled == true)
        #expect(throws: ImportError.self) {
            try ImportManifest(document: TOMLDocument.parse("import = \"no\"\n"), source: "bad.toml")
        }
    }
}
