import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HoistCore
import HoistEmulator
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `hoist agent` as a child process against the emulator: files dropped in the watch folder end
/// in done/ or failed/ with their record, a stop and restart resumes, and the service-manager
/// protocol is spoken.
@Suite(.serialized) struct AgentServiceTests {
    @Test func aDroppedImageEndsInDoneWithItsResult() async throws {
        try await withAgentScenario { s in
            let agent = try s.startAgent()
            let image = try s.imports.qcow2("disk.qcow2")
            let dropped = try s.drop(image, manifest: "image-name = \"web-v1\"\n")
            try await waitUntil("done/disk.qcow2.result.json", timeout: 120) {
                s.exists(s.done + "/disk.qcow2.result.json") || !agent.isRunning
            }
            let run = await s.stop(agent)
            #expect(run.exitCode == 0, "\(run.output)")
            #expect(!s.exists(dropped) && s.exists(s.done + "/disk.qcow2"))
            #expect(run.stderr.contains("disk.qcow2: done, result in \(s.done)/disk.qcow2.result.json"), "\(run.stderr)")
            let result = try s.result("disk.qcow2")
            let head = try await s.base.client.headObject(bucket: s.base.bucket, key: "disk.qcow2")
            #expect(result["object"] as? String == "oss://images/disk.qcow2")
            #expect((result["size"] as? NSNumber)?.int64Value == head.size)
            #expect(result["crc64"] as? String == head.crc64.map { String($0) })
            let images = s.server.ecs.images()
            #expect(images.count == 1)
            #expect(images.first?.imageName == "web-v1")
            #expect(result["imageId"] as? String == images.first?.imageId)
            #expect(try await s.base.objectMatches(s.done + "/disk.qcow2", key: "disk.qcow2"))
        }
    }

    @Test func aBrokenManifestEndsInFailedNamingFileAndLine() async throws {
        try await withAgentScenario { s in
            let agent = try s.startAgent()
            let image = try s.imports.qcow2("bad.qcow2")
            try s.drop(image, manifest: "image-name = \"web-v1\"\n\nplatform = \"Ubantu\"\n")
            try await waitUntil("failed/bad.qcow2.error", timeout: 120) {
                s.exists(s.failed + "/bad.qcow2.error") || !agent.isRunning
            }
            let run = await s.stop(agent)
            #expect(run.exitCode == 0, "\(run.output)")
            let text = try String(contentsOfFile: s.failed + "/bad.qcow2.error", encoding: .utf8)
            let first = text.split(separator: "\n").first.map(String.init) ?? ""
            #expect(first.contains(s.watch + "/bad.qcow2.toml:3"), "\(text)")
            #expect(s.exists(s.failed + "/bad.qcow2"))
            #expect(s.server.ecs.images().isEmpty)
            #expect(s.server.counters.snapshot().bodyBytes == 0)
        }
    }

    @Test func filesPresentAtStartAreTaken() async throws {
        try await withAgentScenario { s in
            try s.drop(try s.imports.qcow2("early.qcow2"), manifest: "image-name = \"early\"\n")
            let agent = try s.startAgent()
            try await waitUntil("done/early.qcow2.result.json", timeout: 120) {
                s.exists(s.done + "/early.qcow2.result.json") || !agent.isRunning
            }
            let run = await s.stop(agent)
            #expect(run.exitCode == 0, "\(run.output)")
            #expect(s.server.ecs.images().map(\.imageName) == ["early"])
        }
    }

    @Test func sigtermMidUploadThenRestartFinishesWithoutResendingSafeParts() async throws {
        let faults = FaultSettings(bandwidth: BandwidthFault(bytesPerSecond: 1_500_000))
        try await withAgentScenario(faults: faults) { s in
            let partCount = 40
            let image = try s.imports.raw("big.raw", size: UInt64(partCount) * UInt64(s.base.partSize))
            let agent = try s.startAgent()
            let dropped = try s.drop(image, manifest: "image-name = \"big\"\n")
            try await waitUntil("a few parts", timeout: 120) { s.base.receipts.count >= 4 || !agent.isRunning }
            let stopped = await s.stop(agent)
            #expect(stopped.exitCode == 0, "\(stopped.output)")
            #expect(s.exists(dropped), "a stopped job's image stays in the watch folder")
            let safe = try await s.base.journaled(dropped, key: "big.raw")
            let uploadId = try #require(safe.uploadId)
            #expect(!safe.parts.isEmpty && safe.parts.count < partCount, "\(safe.parts.sorted())")
            // What an operator sees between the stop and the restart: the job left uploading and
            // no process on it (interrupted), with exactly the journaled parts counted as done.
            let status = try await s.base.run(["status", "--json", "--state-dir", s.base.stateDirectory])
            #expect(status.exitCode == 0, "\(status.output)")
            let document = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
            let job = try #require((document?["jobs"] as? [[String: Any]])?.first { $0["source"] as? String == dropped })
            #expect(job["state"] as? String == "interrupted" && job["journal_state"] as? String == "uploading", "\(job)")
            #expect((job["bytes_done"] as? NSNumber)?.int64Value == Int64(safe.parts.count) * s.base.partSize, "\(job)")
            #expect(safe.parts.isSubset(of: s.base.serverParts(uploadId: uploadId)), "every journaled part is on the server")
            s.server.faults.clear()
            let mark = s.base.receipts.count

            let restarted = try s.startAgent()
            try await waitUntil("done/big.raw.result.json", timeout: 120) {
                s.exists(s.done + "/big.raw.result.json") || !restarted.isRunning
            }
            let run = await s.stop(restarted)
            #expect(run.exitCode == 0, "\(run.output)")
            #expect(run.stderr.contains("resuming unfinished job"), "\(run.stderr)")
            let sent = Set(s.base.receipts[mark...].filter { $0.uploadId == uploadId }.map(\.partNumber))
            #expect(sent.isDisjoint(with: safe.parts), "re-sent \(sent.intersection(safe.parts).sorted())")
            #expect(sent.union(safe.parts) == Set(1...partCount))
            #expect(s.server.ecs.images().count == 1)
            #expect(try await s.base.objectMatches(s.done + "/big.raw", key: "big.raw"))
        }
    }

    /// `kill -9` while the import runs in ECS: the restarted agent follows the same import (its
    /// journaled ClientToken) to Available; ECS saw exactly one ImportImage. The emulated import
    /// takes 15 s, a wide margin for the kill to land while it runs.
    @Test func killMidImportThenRestartFollowsTheSameImport() async throws {
        try await withAgentScenario(importSeconds: 15) { s in
            let agent = try s.startAgent()
            try s.drop(try s.imports.qcow2("once.qcow2"), manifest: "image-name = \"once\"\n")
            try await waitUntil("the import to be submitted", timeout: 120) {
                agent.stderr.contains("import submitted") || !agent.isRunning
            }
            agent.signal(SIGKILL)
            let killed = await agent.wait(timeout: 60)
            #expect(killed.signalled, "\(killed.output)")
            #expect(!s.exists(s.done + "/once.qcow2.result.json"))

            let restarted = try s.startAgent()
            try await waitUntil("done/once.qcow2.result.json", timeout: 120) {
                s.exists(s.done + "/once.qcow2.result.json") || !restarted.isRunning
            }
            let run = await s.stop(restarted)
            #expect(run.exitCode == 0, "\(run.output)")
            #expect(run.stderr.contains("resuming unfinished job"), "\(run.stderr)")
            #expect(s.imports.requests["ImportImage"] == 1, "\(s.imports.requests)")
            let images = s.server.ecs.images()
            #expect(images.count == 1)
            #expect(try s.result("once.qcow2")["imageId"] as? String == images.first?.imageId)
        }
    }

    @Test func theNotifyProtocolIsSpoken() async throws {
        try await withAgentScenario { s in
            let listener = try NotifyListener(directory: s.base.directory)
            let agent = try s.startAgent(environment: ["NOTIFY_SOCKET": listener.path, "WATCHDOG_USEC": "200000"])
            try await waitUntil("READY=1, STATUS= and WATCHDOG=1", timeout: 60) {
                let seen = listener.assignments()
                return (seen.contains("READY=1") && seen.contains { $0.hasPrefix("STATUS=") }
                    && seen.contains("WATCHDOG=1")) || !agent.isRunning
            }
            let run = await s.stop(agent)
            #expect(run.exitCode == 0, "\(run.output)")
            let seen = listener.assignments()
            #expect(seen.contains("READY=1") && seen.contains("WATCHDOG=1"), "\(seen)")
            #expect(seen.contains { $0.hasPrefix("STATUS=") }, "\(seen)")
            #expect(seen.contains("STOPPING=1"), "\(seen)")
            #expect(seen.contains { $0.hasPrefix("EXTEND_TIMEOUT_USEC=") }, "\(seen)")
        }
    }

    @Test func aShellUploadOfAFileTheAgentIsRunningIsRefusedNamingTheAgent() async throws {
        let faults = FaultSettings(bandwidth: BandwidthFault(bytesPerSecond: 500_000))
        try await withAgentScenario(faults: faults) { s in
            let image = try s.imports.raw("busy.raw", size: 40 * UInt64(s.base.partSize))
            let agent = try s.startAgent()
            let dropped = try s.drop(image, manifest: "image-name = \"busy\"\n")
            try await waitUntil("the agent's first part", timeout: 120) { !s.base.receipts.isEmpty || !agent.isRunning }
            // The lock is host-wide: a shell with its own state directory is refused the same way.
            for extra in [[], ["--state-dir", s.base.directory + "/shell-state"]] {
                let shell = try await s.base.run(s.base.arguments(dropped, key: "busy.raw") + extra)
                #expect(shell.exitCode == 8, "\(shell.output)")
                #expect(shell.stderr.contains("hoist process \(agent.process.processIdentifier)"), "\(shell.stderr)")
            }
            // The refused shell changed nothing: the agent's job ends as if it had been alone.
            s.server.faults.clear()
            try await waitUntil("done/busy.raw.result.json", timeout: 120) {
                s.exists(s.done + "/busy.raw.result.json") || !agent.isRunning
            }
            let run = await s.stop(agent)
            #expect(run.exitCode == 0, "\(run.output)")
            let counters = s.server.counters.snapshot()
            #expect(counters.requests("InitiateMultipartUpload") == 1, "\(counters.requests)")
            #expect(counters.responses("CompleteMultipartUpload", status: 200) == 1)
            #expect(s.server.uploads().isEmpty, "no second upload left open")
            #expect(s.server.ecs.images().map(\.imageName) == ["busy"])
            #expect(try await s.base.objectMatches(s.done + "/busy.raw", key: "busy.raw"))
        }
    }

    /// The journal deleted under a running agent is noticed at once: said loudly, no more work,
    /// exit 1 (systemd restarts it). The restarted agent opens a new journal and finds the
    /// upload's parts again in OSS, so they are not sent twice.
    @Test func aJournalRemovedUnderTheAgentStopsItAndTheRestartRecoversFromOSS() async throws {
        let faults = FaultSettings(bandwidth: BandwidthFault(bytesPerSecond: 400_000))
        try await withAgentScenario(faults: faults) { s in
            let image = try s.imports.raw("lost.raw", size: 32 * UInt64(s.base.partSize))
            let agent = try s.startAgent()
            try s.drop(image, manifest: "image-name = \"lost\"\n")
            try await waitUntil("some parts stored", timeout: 120) { s.base.receipts.count >= 4 || !agent.isRunning }
            for name in try FileManager.default.contentsOfDirectory(atPath: s.base.stateDirectory) where name.hasPrefix("journal.sqlite") {
                try FileManager.default.removeItem(atPath: s.base.stateDirectory + "/" + name)
            }
            let stopped = await agent.wait(timeout: 60)
            #expect(stopped.exitCode == 1, "\(stopped.output)")
            #expect(stopped.stderr.contains("JOURNAL LOST: the journal \(s.base.stateDirectory)/journal.sqlite was removed"),
                    "\(stopped.stderr)")
            let stored = s.base.receipts.count

            s.server.faults.clear()
            let restarted = try s.startAgent()
            try await waitUntil("done/lost.raw.result.json", timeout: 120) {
                s.exists(s.done + "/lost.raw.result.json") || !restarted.isRunning
            }
            let run = await s.stop(restarted)
            #expect(run.exitCode == 0, "\(run.output)")
            let kept = run.stderr.components(separatedBy: "continuing upload ").dropFirst().first?
                .split(separator: "(").dropFirst().first?.split(separator: " ").first.flatMap { Int($0) } ?? 0
            #expect(kept >= 1, "the restart found parts in OSS: \(run.stderr)")
            // At most the parts in flight as the agent stopped (2 at once here) are sent again.
            #expect(s.base.receipts.count - stored <= 32 - kept + 2, "none of the \(kept) parts found was sent again")
            #expect(s.server.ecs.counters().importImageCalls == 1)
            #expect(try await s.base.objectMatches(s.done + "/lost.raw", key: "lost.raw"))
        }
    }

    /// A watch folder has one agent: a second one, even with its own state directory, refuses
    /// to start and names the first; the first goes on alone.
    @Test func aSecondAgentOnTheSameFolderRefusesToStart() async throws {
        try await withAgentScenario { s in
            let first = try s.startAgent()
            try await waitUntil("the first agent ready", timeout: 60) { first.stderr.contains("ready:") || !first.isRunning }
            let second = try s.base.start(s.arguments + ["--state-dir", s.base.directory + "/second-state"])
            let refused = await second.wait(timeout: 60)
            #expect(refused.exitCode == 8, "\(refused.output)")
            #expect(refused.stderr.contains("hoist agent process \(first.process.processIdentifier)")
                    && refused.stderr.contains("already watches") && refused.stderr.contains(s.watch), "\(refused.stderr)")
            #expect(!refused.stderr.contains("ready:"))
            try s.drop(try s.imports.qcow2("alone.qcow2"), manifest: "image-name = \"alone\"\n")
            try await waitUntil("done/alone.qcow2.result.json", timeout: 120) {
                s.exists(s.done + "/alone.qcow2.result.json") || !first.isRunning
            }
            let run = await s.stop(first)
            #expect(run.exitCode == 0, "\(run.output)")
            #expect(s.server.ecs.counters().importImageCalls == 1)
            // Once the first has stopped, the folder is free again.
            let next = try s.startAgent()
            try await waitUntil("the next agent ready", timeout: 60) { next.stderr.contains("ready:") || !next.isRunning }
            #expect(await s.stop(next).exitCode == 0)
        }
    }

    /// The other way round: another process holds the job's lock when the agent finds the file
    /// (here the test itself, so the order is certain). The agent is refused, says it will try
    /// again, files nothing in failed/, and finishes the job once the lock is free.
    @Test func aJobWhoseLockIsHeldIsTriedAgainNotFailed() async throws {
        try await withAgentScenario { s in
            let image = try s.imports.qcow2("held.qcow2")
            let inWatch = s.watch + "/held.qcow2"
            let lock = try await JobLock.acquire(s.base.lockKey(inWatch, key: "held.qcow2"), in: s.base.locks)
            let agent = try s.startAgent()
            try s.drop(image, manifest: "image-name = \"held\"\n")
            try await waitUntil("the agent to be refused the lock", timeout: 120) {
                agent.stderr.contains("held.qcow2: ") && agent.stderr.contains("trying again") || !agent.isRunning
            }
            #expect(s.server.counters.snapshot().bodyBytes == 0)
            lock.release()
            try await waitUntil("done/held.qcow2.result.json", timeout: 120) {
                s.exists(s.done + "/held.qcow2.result.json") || !agent.isRunning
            }
            let run = await s.stop(agent)
            #expect(run.exitCode == 0, "\(run.output)")
            #expect(!s.exists(s.failed + "/held.qcow2.error"))
            #expect(s.server.ecs.images().map(\.imageName) == ["held"])
        }
    }

    /// OSS throttling (503 SlowDown) on several parts is waited out: the image still ends in
    /// done/, nothing in failed/.
    @Test func throttlingIsNotAFailure() async throws {
        let faults = FaultSettings(errors: [ErrorFault.slowDown(operation: "UploadPart", count: 3, delay: 10)])
        try await withAgentScenario(faults: faults) { s in
            let agent = try s.startAgent()
            try s.drop(try s.imports.raw("slow.raw", size: 8 * UInt64(s.base.partSize)), manifest: "image-name = \"slow\"\n")
            try await waitUntil("done/slow.raw.result.json", timeout: 120) {
                s.exists(s.done + "/slow.raw.result.json") || s.exists(s.failed + "/slow.raw.error") || !agent.isRunning
            }
            let run = await s.stop(agent)
            #expect(run.exitCode == 0, "\(run.output)")
            #expect(s.exists(s.done + "/slow.raw.result.json"), "\(run.stderr)")
            #expect(run.stderr.contains("retrying"), "\(run.stderr)")
            #expect(try await s.base.objectMatches(s.done + "/slow.raw", key: "slow.raw"))
        }
    }

    /// `--metrics-address` serves the Prometheus text; after one job it counts the bytes sent and
    /// the job as available.
    @Test func metricsAreServedOnLoopback() async throws {
        try await withAgentScenario { s in
            let agent = try s.base.start(s.arguments + ["--metrics-address", "127.0.0.1:0"])
            try s.drop(try s.imports.qcow2("seen.qcow2"), manifest: "image-name = \"seen\"\n")
            try await waitUntil("done/seen.qcow2.result.json", timeout: 120) {
                s.exists(s.done + "/seen.qcow2.result.json") || !agent.isRunning
            }
            let line = try #require(agent.stderr.split(separator: "\n").first { $0.contains("metrics at http://") })
            let url = try #require(URL(string: String(line[line.range(of: "http://")!.lowerBound...])))
            let text = try await Self.fetch(url)
            let run = await s.stop(agent)
            #expect(run.exitCode == 0, "\(run.output)")
            let size = try #require(try s.result("seen.qcow2")["size"] as? NSNumber).int64Value
            let sent = text.split(separator: "\n").first { $0.hasPrefix("hoist_upload_bytes_total ") }
            #expect(sent.flatMap { Double($0.split(separator: " ").last ?? "") }.map { Int64($0) >= size } == true,
                    "\(text)")
            #expect(text.contains("hoist_jobs{state=\"available\"} 1"), "\(text)")
        }
    }

    static func fetch(_ url: URL) async throws -> String {
        let (data, _) = try await URLSession.shared.data(from: url)
        return String(decoding: data, as: UTF8.self)
    }
}
