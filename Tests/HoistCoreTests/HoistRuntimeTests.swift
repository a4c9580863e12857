import Foundation
import Testing
@testable import HoistCore

/// The runtime's set-up rules, decided in one place for every command and the agent: the
/// state directory (flag > environment > config file > default), the endpoints, credentials,
/// and a journal opened once and closed once.
@Suite struct HoistRuntimeTests {
    let file = HoistConfig(stateDirectory: "/from/file")
    let environment = ["HOIST_STATE_DIRECTORY": "/from/env", "HOME": "/home/u"]

    @Test func theStateDirectoryFlagWinsOverEverything() throws {
        let chosen = try RuntimeSettings.stateDirectory(flag: "/from/flag", environment: environment, file: file,
                                                        effectiveUserID: 1000)
        #expect(chosen.path == "/from/flag")
    }

    @Test func theEnvironmentWinsOverTheConfigFile() throws {
        let chosen = try RuntimeSettings.stateDirectory(flag: nil, environment: environment, file: file,
                                                        effectiveUserID: 1000)
        #expect(chosen.path == "/from/env")
    }

    @Test func theConfigFileWinsOverTheDefault() throws {
        let chosen = try RuntimeSettings.stateDirectory(flag: nil, environment: ["HOME": "/home/u"], file: file,
                                                        effectiveUserID: 1000)
        #expect(chosen.path == "/from/file")
    }

    @Test func withNothingGivenTheUsersDefaultIsUsed() throws {
        let user = try RuntimeSettings.stateDirectory(flag: nil, environment: ["HOME": "/home/u"], file: HoistConfig(),
                                                      effectiveUserID: 1000)
        #expect(user.path == "/home/u/.local/state/hoist")
        let root = try RuntimeSettings.stateDirectory(flag: nil, environment: [:], file: HoistConfig(), effectiveUserID: 0)
        #expect(root.path == "/var/lib/hoist")
    }

    @Test func emptyValuesCountAsNotGiven() throws {
        let chosen = try RuntimeSettings.stateDirectory(flag: "", environment: ["HOIST_STATE_DIRECTORY": "", "HOME": "/h"],
                                                        file: file, effectiveUserID: 1000)
        #expect(chosen.path == "/from/file")
    }

    @Test func loadingReadsTheConfigFilesStateTable() async throws {
        try await withScratch { dir in
            let config = dir + "/hoist.toml"
            try Data("[state]\ndirectory = \"\(dir)/file-state\"\n".utf8).write(to: URL(fileURLWithPath: config))
            let fromFile = try RuntimeSettings.load(RuntimeOptions(configPath: config, environment: ["HOME": dir]))
            #expect(fromFile.stateDirectory.path == dir + "/file-state")
            let fromEnv = try RuntimeSettings.load(RuntimeOptions(
                configPath: config, environment: ["HOME": dir, "HOIST_STATE_DIRECTORY": dir + "/env-state"]))
            #expect(fromEnv.stateDirectory.path == dir + "/env-state")
            let fromFlag = try RuntimeSettings.load(RuntimeOptions(
                configPath: config, flags: HoistConfig(stateDirectory: dir + "/flag-state"),
                environment: ["HOME": dir, "HOIST_STATE_DIRECTORY": dir + "/env-state"]))
            #expect(fromFlag.stateDirectory.path == dir + "/flag-state")
        }
    }

    @Test func aMissingConfigFileThatWasAskedForIsAConfigurationError() throws {
        let error = #expect(throws: HoistRuntimeError.self) {
            try RuntimeSettings.load(RuntimeOptions(configPath: "/nonexistent/hoist.toml", environment: [:]))
        }
        #expect(error?.isUsage == true)
        #expect(error?.description.contains("/nonexistent/hoist.toml") == true)
    }

    @Test func theRuntimeOpensTheJournalInItsStateDirectoryAndShutsDownOnce() async throws {
        try await withScratch { dir in
            let runtime = try HoistRuntime(RuntimeOptions(flags: HoistConfig(stateDirectory: dir + "/state"),
                                                          environment: ["HOME": dir]))
            #expect(runtime.stateDirectory.path == dir + "/state")
            #expect(FileManager.default.fileExists(atPath: dir + "/state/journal.sqlite"))
            #expect(try await runtime.journal.jobs().isEmpty)
            runtime.shutdown()
            runtime.shutdown()
        }
    }

    @Test func credentialsComeFromTheChainAndTheirAbsenceSaysWhatToSet() async throws {
        try await withScratch { dir in
            let options = RuntimeOptions(flags: HoistConfig(stateDirectory: dir),
                                         environment: ["HOME": dir, "ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true"])
            let missing = await #expect(throws: HoistRuntimeError.self) { try await RuntimeSettings.load(options).credentials() }
            #expect(missing?.isUsage == true)
            #expect(missing?.description.contains(CredentialChain.idVariable) == true)
            var given = options
            given.environment[CredentialChain.idVariable] = "LTAIid"
            given.environment[CredentialChain.secretVariable] = "secret"
            let credentials = try await RuntimeSettings.load(given).credentials()
            #expect(credentials.accessKeyId == "LTAIid")
        }
    }

    @Test func theECSEndpointFollowsFlagThenEnvironmentThenRegion() throws {
        let environment = ["HOIST_ECS_ENDPOINT": "http://127.0.0.1:9001", "HOME": "/h"]
        let flagged = try RuntimeSettings.load(RuntimeOptions(configPath: Self.emptyConfig, ecsEndpoint: "http://127.0.0.1:9000",
                                                              environment: environment))
        #expect(try flagged.ecsEndpoint(region: "cn-hangzhou") == ECSEndpoint(url: "http://127.0.0.1:9000"))
        let fromEnv = try RuntimeSettings.load(RuntimeOptions(configPath: Self.emptyConfig, environment: environment))
        #expect(try fromEnv.ecsEndpoint(region: "cn-hangzhou") == ECSEndpoint(url: "http://127.0.0.1:9001"))
        let byRegion = try RuntimeSettings.load(RuntimeOptions(configPath: Self.emptyConfig, environment: ["HOME": "/h"]))
        #expect(try byRegion.ecsEndpoint(region: "cn-hangzhou") == .region("cn-hangzhou"))
    }

    @Test func plainHTTPToAnotherHostIsRefusedUnlessAllowed() throws {
        let refused = try RuntimeSettings.load(RuntimeOptions(configPath: Self.emptyConfig, ecsEndpoint: "http://ecs.example.com",
                                                              environment: ["HOME": "/h"]))
        #expect(throws: HoistRuntimeError.self) { try refused.ecsEndpoint(region: "cn-hangzhou") }
        let allowed = try RuntimeSettings.load(RuntimeOptions(configPath: Self.emptyConfig, flags: HoistConfig(insecureHTTP: true),
                                                              ecsEndpoint: "http://ecs.example.com",
                                                              environment: ["HOME": "/h"]))
        #expect(try allowed.ecsEndpoint(region: "cn-hangzhou").host == "ecs.example.com")
    }

    /// An empty config file, so this host's /etc/hoist/hoist.toml plays no part.
    static let emptyConfig: String = {
        let path = NSTemporaryDirectory() + "hoist-runtime-empty-\(getpid()).toml"
        _ = FileManager.default.createFile(atPath: path, contents: Data())
        return path
    }()

    private func withScratch(_ body: (String) async throws -> Void) async throws {
        let dir = NSTemporaryDirectory() + "hoist-runtime-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await body(dir)
    }
}
