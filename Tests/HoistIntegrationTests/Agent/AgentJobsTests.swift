import Foundation
import HoistCore
import HoistEmulator
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Several jobs of one `hoist agent`: one budget of parts in flight, upload-only jobs, and the
/// live state `hoist status` shows.
@Suite(.serialized) struct AgentJobsTests {
    /// Two 24-part uploads at once (max-jobs 2) with parallel = 4: the emulator never has more
    /// than 4 UploadParts in progress, though each job alone would run 4, and both finish.
    /// Their manifests say `import = false`: each ends in done/ with `"import": false`, its
    /// manifest beside it, and ECS sees no ImportImage.
    @Test func twoJobsShareOneBudgetOfPartsAndUploadOnly() async throws {
        let faults = FaultSettings(bandwidth: BandwidthFault(bytesPerSecond: 2_000_000))
        try await withAgentScenario(faults: faults) { s in
            try s.writeConfig(parallel: 4)
            let size = 24 * UInt64(s.base.partSize)
            let first = try s.imports.raw("first.raw", size: size)
            let second = try s.imports.raw("second.raw", size: size)
            let agent = try s.startAgent()
            try s.drop(first, manifest: "import = false\n")
            try s.drop(second, manifest: "import = false\nimage-name = \"unused\"\n")
            try await waitUntil("both results", timeout: 180) {
                (s.exists(s.done + "/first.raw.result.json") && s.exists(s.done + "/second.raw.result.json"))
                    || s.exists(s.failed) || !agent.isRunning
            }
            let run = await s.stop(agent)
            #expect(run.exitCode == 0, "\(run.output)")
            let counters = s.server.counters.snapshot()
            let peak = counters.peakInProgress["UploadPart"] ?? 0
            #expect(peak <= 4 && peak >= 2, "peak \(peak)")
            // Both jobs really ran at once: their parts interleave on the server.
            let uploads = counters.parts.map(\.uploadId)
            let ids = Array(Set(uploads))
            #expect(ids.count == 2)
            if ids.count == 2 {
                let (a, b) = (ids[0], ids[1])
                #expect(uploads.firstIndex(of: b)! < uploads.lastIndex(of: a)!
                        && uploads.firstIndex(of: a)! < uploads.lastIndex(of: b)!, "\(uploads)")
            }
            for name in ["first.raw", "second.raw"] {
                let result = try s.result(name)
                #expect(result["import"] as? Bool == false, "\(result)")
                #expect(result["imageId"] == nil)
                #expect(s.exists(s.done + "/\(name).toml") && !s.exists(s.watch + "/\(name).toml"))
                #expect(try await s.base.objectMatches(s.done + "/" + name, key: name))
            }
            #expect(s.imports.requests["ImportImage"] == nil, "\(s.imports.requests)")
            #expect(s.server.ecs.images().isEmpty)
            #expect(run.stderr.contains("first.raw: upload only (import = false)"), "\(run.stderr)")
        }
    }

    /// `hoist status` names the running agent and its status line, in text and JSON; after a
    /// clean stop the status file is gone and the agent is reported not running.
    @Test func hoistStatusShowsTheAgentsLiveState() async throws {
        try await withAgentScenario { s in
            let agent = try s.startAgent()
            let file = s.base.stateDirectory + "/agent-status.json"
            try await waitUntil("the status file", timeout: 60) { s.exists(file) || !agent.isRunning }
            let pid = agent.process.processIdentifier
            let text = try await s.base.run(["status", "--state-dir", s.base.stateDirectory])
            #expect(text.exitCode == 0, "\(text.output)")
            #expect(text.stdout.hasPrefix("agent: running (pid \(pid)) — "), "\(text.stdout)")
            let json = try await s.base.run(["status", "--json", "--state-dir", s.base.stateDirectory])
            let document = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
            let entry = try #require(document?["agent"] as? [String: Any], "\(json.output)")
            #expect(entry["state"] as? String == "running")
            let status = try #require(entry["status"] as? [String: Any])
            #expect((status["pid"] as? NSNumber)?.int32Value == pid)
            #expect((status["line"] as? String)?.isEmpty == false)
            #expect((status["network"] as? [String: Any])?["up"] as? Bool == true)
            let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
            #expect(mode == 0o600)

            let run = await s.stop(agent)
            #expect(run.exitCode == 0, "\(run.output)")
            #expect(!s.exists(file))
            let after = try await s.base.run(["status", "--state-dir", s.base.stateDirectory])
            #expect(after.stdout.hasPrefix("agent: not running\n"), "\(after.stdout)")
        }
    }
}
