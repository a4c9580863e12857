import Foundation
import HoistCore
import HoistEmulator
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The agent as the unit runs it: the state directory from `STATE_DIRECTORY` (systemd's
/// `StateDirectory=`), `UMask=0077`, and the file names build jobs really produce.
@Suite(.serialized) struct AgentInstalledTests {
    @Test func asTheUnitRunsItResultsAreReadableAndEveryNameEndsFiled() async throws {
        try await withAgentScenario { s in
            let unitState = s.base.directory + "/var-lib-hoist"
            var arguments = s.arguments
            if let at = arguments.firstIndex(of: "--state-dir") { arguments.removeSubrange(at...(at + 1)) }
            let agent = try s.base.start(arguments, environment: s.base.environment.merging(["STATE_DIRECTORY": unitState]) { $1 },
                                         umask: "0077")
            try await waitUntil("the agent ready", timeout: 60) { agent.stderr.contains("ready:") || !agent.isRunning }

            let long = String(repeating: "l", count: 244) + ".qcow2" // 250 bytes: NAME.result.json would not fit
            try s.drop(try s.imports.qcow2(long), manifest: nil)
            let newline = "evil\nhoist agent: forged.qcow2"
            let forged = s.watch + "/" + newline
            guard rename(try s.imports.qcow2("forged.qcow2"), forged) == 0 else { throw POSIXError(.EIO) }
            try await waitUntil("both filed", timeout: 120) {
                let done = (try? FileManager.default.contentsOfDirectory(atPath: s.done)) ?? []
                let failed = (try? FileManager.default.contentsOfDirectory(atPath: s.failed)) ?? []
                return (done.contains { $0.hasSuffix(".result.json") } && failed.contains { $0.hasSuffix(".error") })
                    || !agent.isRunning
            }
            let run = await s.stop(agent)
            #expect(run.exitCode == 0, "\(run.output)")

            // The journal is the unit's, not $HOME/.local/state.
            #expect(FileManager.default.fileExists(atPath: unitState + "/journal.sqlite"))
            #expect(!FileManager.default.fileExists(atPath: s.base.directory + "/.local/state/hoist/journal.sqlite"))

            // The long name was uploaded, imported and filed under a name that fits, readable by the group.
            let done = try FileManager.default.contentsOfDirectory(atPath: s.done)
            let record = try #require(done.first { $0.hasSuffix(".result.json") })
            #expect(record.utf8.count <= 255 && record.contains("~"), "\(record)")
            #expect(done.contains(String(record.dropLast(".result.json".count))), "the image beside its record: \(done)")
            let attributes = try FileManager.default.attributesOfItem(atPath: s.done + "/" + record)
            #expect((attributes[.posixPermissions] as? Int ?? 0) & 0o777 == 0o644, "result.json readable under UMask=0077")
            let result = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: s.done + "/" + record)))
            #expect((result as? [String: Any])?["file"] as? String == long)
            #expect(!s.exists(s.watch + "/" + long), "nothing left in the watch folder to be taken again")

            // The newline is refused with a clear .error, and it forged no log line.
            #expect(s.exists(s.failed + "/" + newline + ".error"))
            let error = try String(contentsOfFile: s.failed + "/" + newline + ".error", encoding: .utf8)
            #expect(error.hasPrefix("Refused: evil\\nhoist agent: forged.qcow2 has a control character"), "\(error)")
            #expect(!run.stderr.split(separator: "\n").contains { $0.hasPrefix("hoist agent: forged.qcow2") }, "\(run.stderr)")
            #expect(s.server.ecs.counters().importImageCalls == 1)

            // `hoist status` reads the same journal and says where each image went.
            let status = try await s.base.run(["status", "--json", "--state-dir", unitState, "--config", s.configPath])
            let jobs = try #require((try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])?["jobs"]
                as? [[String: Any]], "\(status.output)")
            #expect(jobs.contains { ($0["filed"] as? String)?.hasPrefix(s.done + "/") == true }, "\(jobs)")
        }
    }

    /// A full state disk is the host's fault, not the image's: the agent waits it out, saying so,
    /// and finishes the job once there is space; nothing goes to failed/.
    @Test(.enabled(if: StateDirectoryMount.available, "needs root to mount a small tmpfs as the state directory"))
    func aFullStateDiskIsWaitedOutNotFailed() async throws {
        let faults = FaultSettings(bandwidth: BandwidthFault(bytesPerSecond: 300_000))
        try await withAgentScenario(faults: faults) { s in
            let disk = try StateDirectoryMount(over: s.base.stateDirectory, bytes: 8 << 20)
            defer { disk.unmount() }
            let agent = try s.startAgent()
            try await waitUntil("the agent ready", timeout: 60) { agent.stderr.contains("ready:") || !agent.isRunning }
            try s.drop(try s.imports.raw("full.raw", size: 16 * UInt64(s.base.partSize)), manifest: "image-name = \"full\"\n")
            try await waitUntil("uploading", timeout: 60) { s.base.receipts.count >= 2 || !agent.isRunning }
            let filler = try disk.fill()
            try await waitUntil("the full disk noticed", timeout: 120) {
                agent.stderr.contains("no space left") && agent.stderr.contains("trying again") || !agent.isRunning
            }
            #expect(!s.exists(s.failed + "/full.raw.error"), "\(agent.stderr)")
            #expect(unlink(filler) == 0)
            s.server.faults.clear()
            try await waitUntil("done/full.raw.result.json", timeout: 120) {
                s.exists(s.done + "/full.raw.result.json") || !agent.isRunning
            }
            let run = await s.stop(agent)
            #expect(run.exitCode == 0, "\(run.output)")
            #expect(s.server.ecs.counters().importImageCalls == 1)
        }
    }
}
