import Foundation
import HoistCore
import HoistEmulator
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// How files arrive in the watch folder of a running `hoist agent`: a writer still appending is
/// not taken, and a file renamed in (the way builds publish) is.
@Suite(.serialized) struct AgentDropTests {
    /// A writer that appends in chunks for longer than `settle`, pausing far less than `settle`
    /// between chunks, closing the file each time (each close is an `IN_CLOSE_WRITE`): nothing is
    /// taken or sent while it writes, and the object is the whole final file, not a prefix.
    @Test func aSlowWriterIsNotTakenUntilItStops() async throws {
        try await withAgentScenario { s in
            // A later flag wins: this agent waits 4 s of no change before taking a file.
            let agent = try s.base.start(s.arguments + ["--settle", "4s"])
            try await waitUntil("the agent ready", timeout: 60) { agent.stderr.contains("ready:") || !agent.isRunning }
            let path = s.watch + "/slow.raw"
            try Data("image-name = \"slow\"\n".utf8).write(to: URL(fileURLWithPath: s.watch + "/slow.raw.toml"))
            // 64 chunks 0.1 s apart: about 6.4 s of writing, half again longer than settle.
            let written = try await Self.appendSlowly(to: path, chunks: 64, chunkSize: 32 * 1024, pauseMicroseconds: 100_000)

            #expect(!agent.stderr.contains("slow.raw: taken"), "taken while still written: \(agent.stderr)")
            #expect(s.server.counters.snapshot().bodyBytes == 0, "bytes were sent while the file grew")
            try await waitUntil("done/slow.raw.result.json", timeout: 120) {
                s.exists(s.done + "/slow.raw.result.json") || s.exists(s.failed + "/slow.raw.error") || !agent.isRunning
            }
            let run = await s.stop(agent)
            #expect(run.exitCode == 0, "\(run.output)")
            #expect(s.exists(s.done + "/slow.raw.result.json"), "\(run.stderr)")
            let object = try await s.base.client.getObject(bucket: s.base.bucket, key: "slow.raw")
            #expect(object.body.count == written.count)
            #expect(object.body == written, "the object is the final file")
            #expect(try s.result("slow.raw")["size"] as? NSNumber == NSNumber(value: written.count))
            #expect(s.server.ecs.images().map(\.imageName) == ["slow"])
        }
    }

    /// A file written elsewhere on the same filesystem and renamed in (`IN_MOVED_TO`), and one
    /// written in the folder under a hidden name and renamed to its own: both are taken once
    /// the start-up scan is over, with full rescans too rare to be what found them, and the
    /// hidden name is never taken.
    @Test func filesRenamedIntoTheFolderAreTaken() async throws {
        try await withAgentScenario { s in
            let agent = try s.startAgent(environment: ["HOIST_RESCAN_INTERVAL": "3600"])
            try await waitUntil("the agent ready", timeout: 60) { agent.stderr.contains("ready:") || !agent.isRunning }
            try s.drop(try s.imports.qcow2("outside.qcow2"))
            let hidden = s.watch + "/.inside.qcow2"
            guard rename(try s.imports.qcow2("inside.qcow2"), hidden) == 0 else { throw POSIXError(.EIO) }
            guard rename(hidden, s.watch + "/inside.qcow2") == 0 else { throw POSIXError(.EIO) }

            try await waitUntil("both in done/", timeout: 120) {
                (s.exists(s.done + "/outside.qcow2.result.json") && s.exists(s.done + "/inside.qcow2.result.json"))
                    || !agent.isRunning
            }
            let run = await s.stop(agent)
            #expect(run.exitCode == 0, "\(run.output)")
            #expect(!run.stderr.contains(".inside.qcow2"), "\(run.stderr)")
            #expect(((try? FileManager.default.contentsOfDirectory(atPath: s.failed)) ?? []).isEmpty, "nothing failed")
            #expect(s.server.ecs.images().count == 2)
            #expect(try await s.base.objectMatches(s.done + "/outside.qcow2", key: "outside.qcow2"))
            #expect(try await s.base.objectMatches(s.done + "/inside.qcow2", key: "inside.qcow2"))
        }
    }

    /// Appends `chunks` chunks of a pseudo-random image (an MBR signature in the first sector)
    /// to `path`, opening and closing it for each, with a pause between; returns every byte
    /// written. It runs on its own thread, so a busy task pool cannot stretch a pause past the
    /// agent's settle time.
    static func appendSlowly(to path: String, chunks: Int, chunkSize: Int, pauseMicroseconds: UInt32) async throws -> [UInt8] {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                var generator = SystemRandomNumberGenerator()
                var written: [UInt8] = []
                for index in 0..<chunks {
                    var chunk = (0..<chunkSize).map { _ in UInt8.random(in: 0...255, using: &generator) }
                    if index == 0 { chunk[510] = 0x55; chunk[511] = 0xAA }
                    let fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o644)
                    let count = fd < 0 ? -1 : chunk.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                    if fd >= 0 { close(fd) }
                    guard count == chunkSize else {
                        continuation.resume(throwing: POSIXError(.EIO))
                        return
                    }
                    written += chunk
                    if index < chunks - 1 { usleep(pauseMicroseconds) }
                }
                continuation.resume(returning: written)
            }
        }
    }
}
