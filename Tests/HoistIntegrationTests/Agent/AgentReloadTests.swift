import Foundation
import HoistCore
import HoistEmulator
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// SIGHUP to a running `hoist agent`: the config is read again, what can change without a
/// restart applies to the next job, what cannot is named, and a broken config changes nothing.
@Suite(.serialized) struct AgentReloadTests {
    @Test func sighupReloadsTheConfigForTheNextJob() async throws {
        try await withAgentScenario { s in
            let agent = try s.startAgent()
            try s.drop(try s.imports.qcow2("before.qcow2"), manifest: "image-name = \"before\"\n")
            try await waitUntil("done/before.qcow2.result.json", timeout: 120) {
                s.exists(s.done + "/before.qcow2.result.json") || !agent.isRunning
            }
            #expect(try s.result("before.qcow2")["import"] as? Bool == true)

            // --watch on the command line keeps its folder whatever the file says; the metrics
            // address and [upload] need a restart, except the bandwidth cap, which the shared
            // budget takes at once.
            try s.writeConfig("bandwidth = \"40MB/s\"\n[agent]\nimport = false\ndelete-after-import = true\nwatch = \"/elsewhere\"\n"
                              + "metrics-address = \"127.0.0.1:9464\"\n", parallel: 3)
            agent.signal(SIGHUP)
            try await waitUntil("the reload", timeout: 60) { agent.stderr.contains("config reloaded") || !agent.isRunning }
            let reloaded = agent.stderr
            #expect(reloaded.contains("now in force: delete-after-import, import, bandwidth"), "\(reloaded)")
            #expect(reloaded.contains("needing a restart (systemctl restart hoist): metrics-address, [oss]/[upload]/[state]"),
                    "\(reloaded)")

            let dropped = try s.drop(try s.imports.qcow2("after.qcow2"))
            // The record is written before the image is deleted: wait for both.
            try await waitUntil("done/after.qcow2.result.json and the image deleted", timeout: 120) {
                (s.exists(s.done + "/after.qcow2.result.json") && !s.exists(dropped)) || !agent.isRunning
            }
            let result = try s.result("after.qcow2")
            #expect(result["import"] as? Bool == false, "\(result)")
            #expect(!s.exists(dropped) && !s.exists(s.done + "/after.qcow2"), "deleted after the job")
            #expect(s.server.ecs.images().map(\.imageName) == ["before"])

            // A broken config is reported with its line and changes nothing.
            try s.writeConfig("[agent]\nmax-jobs = 0\n")
            agent.signal(SIGHUP)
            try await waitUntil("the refused reload", timeout: 60) {
                agent.stderr.contains("config NOT reloaded") || !agent.isRunning
            }
            #expect(agent.stderr.contains("\(s.configPath):5: agent.max-jobs must be 1-64"), "\(agent.stderr)")
            #expect(agent.isRunning)
            let run = await s.stop(agent)
            #expect(run.exitCode == 0, "\(run.output)")
        }
    }
}
