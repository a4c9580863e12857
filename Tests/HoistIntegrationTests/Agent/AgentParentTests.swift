import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `hoist agent --exit-with-parent PID` (what `hoist demo` runs): an agent whose parent is
/// killed with SIGKILL does not live on as an orphan.
@Suite struct AgentParentTests {
    /// Whether `pid` is still a live process (a zombie waiting to be reaped counts as gone).
    static func alive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        let state = stat[stat.index(close, offsetBy: 2)...].prefix(1)
        return state != "Z" && state != "X"
    }

    @Test func anAgentWhoseParentIsKilledStops() async throws {
        let binary = try #require(HoistBinary.path)
        try await withAgentScenario { scenario in
            // A shell stands for the demo: it starts the agent as its child, tied to its own pid,
            // says the agent's pid, and waits.
            let pidFile = scenario.base.directory + "/agent.pid"
            let parent = Process()
            parent.executableURL = URL(fileURLWithPath: "/bin/bash")
            parent.arguments = ["-c", "\"$0\" \"$@\" --exit-with-parent $$ >/dev/null 2>&1 & echo $! > \(pidFile); wait",
                                binary] + scenario.arguments
            parent.environment = scenario.base.environment
            try parent.run()
            var agentPid: Int32 = 0
            try await waitUntil("the agent's pid") {
                agentPid = Int32((try? String(contentsOfFile: pidFile, encoding: .utf8))?
                    .trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
                return agentPid > 0
            }
            // Running: the status file appears once the agent watches its folder.
            try await waitUntil("the agent running") {
                scenario.exists(scenario.base.stateDirectory + "/agent-status.json")
            }
            #expect(Self.alive(agentPid))
            kill(parent.processIdentifier, SIGKILL)
            parent.waitUntilExit()
            try await waitUntil("the orphaned agent to stop", timeout: 60) { !Self.alive(agentPid) }
            // It stopped as on SIGTERM: cleanly, so its status file is gone.
            #expect(!scenario.exists(scenario.base.stateDirectory + "/agent-status.json"))
        }
    }
}
