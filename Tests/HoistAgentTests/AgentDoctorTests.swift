import Foundation
import HoistCore
import Testing
@testable import HoistAgent
#if canImport(Glibc)
import Glibc
#endif

/// The agent's lines of `hoist doctor`, against scratch folders and a scratch host (unit
/// paths, inotify limit, no systemd).
@Suite struct AgentDoctorTests {
    func host(_ scratch: ScratchDirectory, watches: String = "524288") throws -> AgentDoctor.Host {
        try watches.write(toFile: scratch.file("max_user_watches"), atomically: true, encoding: .utf8)
        return AgentDoctor.Host(unitPaths: [scratch.file("etc/hoist.service"), scratch.file("lib/hoist.service")],
                                systemdRuntimeDirectory: scratch.file("no-systemd"),
                                maxUserWatchesPath: scratch.file("max_user_watches"), systemctl: "/bin/false")
    }

    func byId(_ results: [DoctorResult]) -> [String: DoctorResult] {
        Dictionary(results.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    @Test func withoutAnAgentTableOrWatchEverythingIsSkippedInOneLine() async throws {
        let scratch = try ScratchDirectory()
        try "[oss]\nbucket = \"images\"\n".write(toFile: scratch.file("hoist.toml"), atomically: true, encoding: .utf8)
        let results = await AgentDoctor(configPath: scratch.file("hoist.toml"), watch: [], environment: [:],
                                        host: try host(scratch)).run()
        #expect(results.count == 1)
        #expect(results.first?.id == "agent" && results.first?.status == .skip)
        #expect(results.first?.detail.contains("not configured") == true)
    }

    @Test func anAgentTableTurnsTheChecksOn() async throws {
        let scratch = try ScratchDirectory()
        let drop = scratch.file("drop")
        try FileManager.default.createDirectory(atPath: drop, withIntermediateDirectories: true)
        try "[agent]\nwatch = \"\(drop)\"\n".write(toFile: scratch.file("hoist.toml"), atomically: true, encoding: .utf8)
        let results = byId(await AgentDoctor(configPath: scratch.file("hoist.toml"), watch: [], environment: [:],
                                             host: try host(scratch)).run())
        #expect(results["agent.watch"]?.status == .pass, "\(results)")
        #expect(results["agent.inotify"]?.status == .pass)
        #expect(results["agent.unit"]?.status == .warn && results["agent.unit"]?.fix?.contains("install.sh") == true)
        #expect(results["agent.service"]?.status == .skip && results["agent.service"]?.detail == "systemd not running")
    }

    @Test func anEmptyAgentTableCountsAsConfigured() async throws {
        let scratch = try ScratchDirectory()
        try "[agent]\n".write(toFile: scratch.file("hoist.toml"), atomically: true, encoding: .utf8)
        let results = byId(await AgentDoctor(configPath: scratch.file("hoist.toml"), watch: [], environment: [:],
                                             host: try host(scratch)).run())
        // The default watch folder, absent on a test host.
        #expect(results["agent.watch"]?.status == .fail, "\(results)")
        #expect(results["agent.watch"]?.detail.contains(AgentSettings.defaultWatch) == true)
    }

    @Test func aFolderTheAgentsUserCannotWriteFails() async throws {
        guard geteuid() != 0 else { return } // root may write anything
        let scratch = try ScratchDirectory()
        let drop = scratch.file("drop")
        try FileManager.default.createDirectory(atPath: drop, withIntermediateDirectories: true)
        #expect(chmod(drop, 0o555) == 0)
        defer { chmod(drop, 0o755) }
        let results = byId(await AgentDoctor(configPath: nil, watch: [drop], environment: [:], host: try host(scratch)).run())
        #expect(results["agent.watch"]?.status == .fail)
        #expect(results["agent.watch"]?.detail.contains("\(drop) is not writable") == true, "\(results)")
    }

    @Test(arguments: [("0", DoctorResult.Status.fail), ("1024", .warn), ("65536", .pass)])
    func theInotifyLimitIsCheckedAgainstTheWatchFolders(_ limit: String, _ expected: DoctorResult.Status) async throws {
        let scratch = try ScratchDirectory()
        let results = byId(await AgentDoctor(configPath: nil, watch: [scratch.path], environment: [:],
                                             host: try host(scratch, watches: limit + "\n")).run())
        #expect(results["agent.inotify"]?.status == expected, "\(results)")
        if expected != .pass { #expect(results["agent.inotify"]?.fix?.contains("max_user_watches") == true) }
    }

    @Test func anInstalledUnitIsShownWithItsUser() async throws {
        let scratch = try ScratchDirectory()
        try FileManager.default.createDirectory(atPath: scratch.file("lib"), withIntermediateDirectories: true)
        try "[Service]\nUser=root\nExecStart=/usr/local/bin/hoist agent\n"
            .write(toFile: scratch.file("lib/hoist.service"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: scratch.file("no-systemd"), withIntermediateDirectories: true)
        let results = byId(await AgentDoctor(configPath: nil, watch: [scratch.path], environment: [:],
                                             host: try host(scratch)).run())
        #expect(results["agent.unit"]?.status == .pass)
        #expect(results["agent.unit"]?.detail == scratch.file("lib/hoist.service") + " (User=root)")
        #expect(results["agent.watch"]?.detail.contains("writable by root") == true, "\(results)")
        // "systemd running" (the runtime directory exists), and systemctl says it is not active.
        #expect(results["agent.service"]?.status == .fail, "\(results)")
        #expect(results["agent.service"]?.fix?.contains("systemctl enable --now hoist") == true)
    }

    /// The unit's LoadCredential= files: missing stops the unit, so doctor says how to write them.
    @Test func theUnitsCredentialFilesAreChecked() async throws {
        let scratch = try ScratchDirectory()
        try FileManager.default.createDirectory(atPath: scratch.file("etc"), withIntermediateDirectories: true)
        let id = scratch.file("access-key-id"), secret = scratch.file("access-key-secret")
        try "[Service]\nUser=hoist\nLoadCredential=access-key-id:\(id)\nLoadCredential=access-key-secret:\(secret)\n"
            .write(toFile: scratch.file("etc/hoist.service"), atomically: true, encoding: .utf8)
        let doctor = AgentDoctor(configPath: nil, watch: [scratch.path], environment: [LockDirectory.variable: scratch.file("locks")],
                                 host: try host(scratch))
        var results = byId(await doctor.run())
        #expect(results["agent.credentials"]?.status == .fail, "\(results)")
        #expect(results["agent.credentials"]?.fix?.contains("install -m 0600 /dev/stdin \(id)") == true, "\(results)")
        #expect(results["agent.locks"]?.status == .warn, "not created yet")
        for path in [id, secret] {
            try "value\n".write(toFile: path, atomically: true, encoding: .utf8)
            #expect(chmod(path, 0o600) == 0)
        }
        _ = try await JobLock.acquire(JobLockKey(sourcePath: "/a", bucket: "b", key: "k"), in: LockDirectory(path: scratch.file("locks")))
        results = byId(await doctor.run())
        #expect(results["agent.credentials"]?.status == .pass, "\(results)")
        #expect(results["agent.locks"]?.status == .pass, "\(results)")
    }
}
