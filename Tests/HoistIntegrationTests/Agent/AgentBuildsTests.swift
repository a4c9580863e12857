import Foundation
import HoistCore
import HoistEmulator
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// One image per build, in the agent: the same file name dropped again with new bytes is a
/// new build, with its own image and its own result file.
@Suite(.serialized) struct AgentBuildsTests {
    @Test func twoDropsOfOneNameAreTwoImagesEachMadeOfItsOwnBytes() async throws {
        try await withAgentScenario { s in
            // Only folder defaults, no image name anywhere: the agent names each build itself.
            try Data("platform = \"Ubuntu\"\n".utf8).write(to: URL(fileURLWithPath: s.watch + "/_defaults.toml"))
            let agent = try s.startAgent()
            try await waitUntil("the agent ready", timeout: 60) { agent.stderr.contains("ready:") || !agent.isRunning }

            var crcs: [UInt64] = []
            for (build, record) in [(1, "web.qcow2.result.json"), (2, "web-2.qcow2.result.json")] {
                let path = try s.imports.qcow2("web.qcow2", virtualSize: UInt64(build + 1) << 30)
                crcs.append(CRC64.checksum(Array(try Data(contentsOf: URL(fileURLWithPath: path)))))
                try s.drop(path)
                try await waitUntil("done/\(record)", timeout: 120) {
                    s.exists(s.done + "/" + record) || s.exists(s.failed + "/web.qcow2.error") || !agent.isRunning
                }
            }
            let run = await s.stop(agent)
            #expect(run.exitCode == 0, "\(run.output)")
            #expect(!s.exists(s.failed + "/web.qcow2.error"), "\(run.stderr)")

            let results = try [s.result("web.qcow2"), s.result("web-2.qcow2")]
            let images = s.server.ecs.images()
            #expect(images.count == 2 && s.server.ecs.counters().importImageCalls == 2, "\(images)")
            for (result, crc) in zip(results, crcs) {
                let image = try #require(images.first { $0.imageId == result["imageId"] as? String }, "\(result)")
                #expect(result["crc64"] as? String == String(crc))
                #expect(image.sourceCRC64 == String(crc), "each image is made of its own drop's bytes: \(image)")
                #expect(image.sourceWritesDuringImport == 0)
                let job = try #require(result["jobId"] as? String)
                #expect(image.imageName == result["imageName"] as? String)
                #expect(image.imageName?.hasPrefix("web-") == true && image.imageName?.hasSuffix("-" + job) == true, "\(image)")
                #expect((result["provenance"] as? String)?.contains("hoist:job=\(job)") == true, "\(result)")
            }
            #expect(results[0]["imageId"] as? String != results[1]["imageId"] as? String)
        }
    }
}

/// A source that goes away mid-upload: replaced by a new build (renamed over it), or removed.
@Suite(.serialized) struct AgentSourceGoneTests {
    @Test func aFileRenamedOverTheOneUploadingIsANewDropAndTheOldJobEnds() async throws {
        let faults = FaultSettings(bandwidth: BandwidthFault(bytesPerSecond: 400_000))
        try await withAgentScenario(faults: faults) { s in
            try Data("platform = \"Ubuntu\"\n".utf8).write(to: URL(fileURLWithPath: s.watch + "/_defaults.toml"))
            let agent = try s.startAgent()
            try await waitUntil("the agent ready", timeout: 60) { agent.stderr.contains("ready:") || !agent.isRunning }
            try s.drop(try s.base.makeFile("web.raw", size: 24 * Int(s.base.partSize), seed: 41))
            try await waitUntil("the first build uploading", timeout: 60) { s.base.receipts.count >= 2 || !agent.isRunning }
            let next = try s.base.makeFile("next.raw", size: 8 * Int(s.base.partSize), seed: 42)
            let crc = CRC64.checksum(Array(try Data(contentsOf: URL(fileURLWithPath: next))))
            guard rename(next, s.watch + "/web.raw") == 0 else { throw POSIXError(.EIO) }
            s.server.faults.clear()
            try await waitUntil("done/web.raw.result.json", timeout: 120) {
                s.exists(s.done + "/web.raw.result.json") || !agent.isRunning
            }
            let run = await s.stop(agent)
            #expect(run.exitCode == 0, "\(run.output)")
            #expect(run.stderr.contains("web.raw: replaced by a new file during the upload"), "\(run.stderr)")
            #expect(!s.exists(s.failed + "/web.raw.error"), "the new build is not filed as the old one's failure")
            let result = try s.result("web.raw")
            #expect(result["crc64"] as? String == String(crc), "done/ holds the new build: \(result)")
            #expect(s.server.ecs.counters().importImageCalls == 1 && s.server.uploads().isEmpty)
        }
    }

    @Test func aFileRemovedDuringItsUploadIsSaidSoAndNothingIsFiled() async throws {
        let faults = FaultSettings(bandwidth: BandwidthFault(bytesPerSecond: 400_000))
        try await withAgentScenario(faults: faults) { s in
            let agent = try s.startAgent()
            try await waitUntil("the agent ready", timeout: 60) { agent.stderr.contains("ready:") || !agent.isRunning }
            let dropped = try s.drop(try s.base.makeFile("gone.raw", size: 16 * Int(s.base.partSize), seed: 43),
                                     manifest: "image-name = \"gone\"\n")
            try await waitUntil("uploading", timeout: 60) { s.base.receipts.count >= 2 || !agent.isRunning }
            try FileManager.default.removeItem(atPath: dropped)
            s.server.faults.clear()
            try await waitUntil("the removal noticed", timeout: 120) {
                agent.stderr.contains("gone.raw: removed during the upload") || !agent.isRunning
            }
            let run = await s.stop(agent)
            #expect(run.exitCode == 0 && !run.stderr.contains("problem:"), "\(run.output)")
            #expect(!s.exists(s.failed + "/gone.raw.error") && s.server.ecs.counters().importImageCalls == 0)
            let status = try await s.base.run(["status", "--json", "--state-dir", s.base.stateDirectory, "--config", s.configPath])
            #expect(status.stdout.contains("was removed during the upload"), "\(status.stdout)")
        }
    }
}
