import Foundation
import HoistCore
import HoistEmulator
import Testing

/// `hoist agent` under a network outage: the emulator's network-down fault resets every open
/// connection and every new request, as a pulled cable or a lost route looks to a client.
@Suite(.serialized) struct AgentOutageTests {
    /// How long the network stays down: the scenario, not a bound on anything.
    static let outageSeconds = 20.0
    /// How soon after the return the first part bytes must arrive. The agent probes once a
    /// second and wakes every waiting part at once (plus under a second of jitter); a part left
    /// on its own back-off could sleep up to `Backoff().cap`, which is far longer.
    static let resumeBound = 15.0

    /// A 20 s outage in the middle of an upload is waited out unattended: the agent says the
    /// network is down and back (log and `STATUS=`), parts resume as soon as it returns, and the
    /// image ends in done/ with the file's CRC-64 and one ImportImage.
    @Test func anOutageMidUploadIsWaitedOutAndPartsResumeOnTheReturn() async throws {
        // Slow enough that the cut lands mid-upload; the remainder then takes seconds, not minutes.
        let faults = FaultSettings(bandwidth: BandwidthFault(bytesPerSecond: 500_000))
        try await withAgentScenario(faults: faults) { s in
            let partCount = 32
            let image = try s.imports.raw("net.raw", size: UInt64(partCount) * UInt64(s.base.partSize))
            let listener = try NotifyListener(directory: s.base.directory)
            let agent = try s.startAgent(environment: ["NOTIFY_SOCKET": listener.path])
            // The kernel queues only a few datagrams on a socket nobody reads: read as they come.
            let reading = Task { while !Task.isCancelled { _ = listener.assignments(); try? await Task.sleep(for: .milliseconds(50)) } }
            defer { reading.cancel() }
            try s.drop(image, manifest: "image-name = \"net\"\n")
            try await waitUntil("a few parts", timeout: 120) { s.base.receipts.count >= 4 || !agent.isRunning }

            s.server.faults.setNetworkDown(true)
            let cut = ContinuousClock.now
            try await waitUntil("the agent to report the network down", timeout: 60) {
                agent.stderr.contains("net.raw: network down") || !agent.isRunning
            }
            let atReport = s.server.counters.snapshot()
            #expect(atReport.parts.count < partCount, "the outage began mid-upload")
            let rest = Duration.seconds(Self.outageSeconds) - (ContinuousClock.now - cut)
            if rest > .zero { try await Task.sleep(for: rest) }

            let atReturn = s.server.counters.snapshot()
            #expect(agent.isRunning, "\(agent.stderr)")
            #expect(atReturn.requests == atReport.requests, "nothing reached OSS or ECS while the network was down")
            #expect(atReturn.networkDownResets > atReport.networkDownResets, "the agent kept probing")
            s.server.faults.setNetworkDown(false)
            try await waitUntil("UploadPart bytes after the return", timeout: Self.resumeBound) {
                Self.partBytes(s) > atReturn.bodyBytesByOperation["UploadPart", default: 0]
            }
            // Every part still to go was sent, and the upload completed, sooner than one part
            // sleeping out the back-off cap could have woken.
            try await waitUntil("the upload to complete", timeout: Backoff().cap) {
                s.server.counters.snapshot().responses("CompleteMultipartUpload", status: 200) == 1
            }
            try await waitUntil("done/net.raw.result.json", timeout: 120) {
                s.exists(s.done + "/net.raw.result.json") || !agent.isRunning
            }
            let run = await s.stop(agent)
            reading.cancel()
            await reading.value

            #expect(run.exitCode == 0, "\(run.output)")
            #expect(run.stderr.contains("net.raw: network down; waiting for it"), "\(run.stderr)")
            #expect(run.stderr.contains("net.raw: network back after"), "\(run.stderr)")
            let statuses = listener.assignments().filter { $0.hasPrefix("STATUS=") }
            let down = try #require(statuses.firstIndex { $0.contains("network down") }, "\(statuses)")
            #expect(statuses[(down + 1)...].contains { !$0.contains("network down") }, "\(statuses)")
            #expect(s.imports.requests["ImportImage"] == 1, "\(s.imports.requests)")
            #expect(s.server.ecs.images().map(\.imageName) == ["net"])
            let head = try await s.base.client.headObject(bucket: s.base.bucket, key: "net.raw")
            #expect(try s.result("net.raw")["crc64"] as? String == head.crc64.map { String($0) })
            #expect(try await s.base.objectMatches(s.done + "/net.raw", key: "net.raw"))
        }
    }

    static func partBytes(_ s: AgentScenario) -> Int64 {
        s.server.counters.snapshot().bodyBytesByOperation["UploadPart", default: 0]
    }
}
