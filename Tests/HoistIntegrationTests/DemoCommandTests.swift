import Foundation
import HoistCore
import Testing

/// `hoist demo` is the README's first command: it runs the real agent (a child of the demo)
/// through a slow writer, a network outage and `kill -9`, and must end with the image imported
/// once and filed in done/ with a result.json that matches the file.
@Suite struct DemoCommandTests {
    @Test(.timeLimit(.minutes(6)))
    func demoRunsTheAgentThroughSettleOutageAndKillToAnAvailableImage() async throws {
        let directory = FileManager.default.temporaryDirectory.path
        let child = try HoistChild(arguments: ["demo", "--size", "32MiB", "--part-size", "1MiB", "--parallel", "4",
                                               "--import-seconds", "1", "--keep"],
                                   environment: ProcessInfo.processInfo.environment, directory: directory)
        let run = await child.wait(timeout: 300)
        let out = run.stdout
        let kept = out.components(separatedBy: "demo files kept in ").dropFirst().first?
            .split(separator: "\n").first.map(String.init)
        defer { if let kept { try? FileManager.default.removeItem(atPath: kept) } }
        #expect(run.exitCode == 0, "\(run.output)")

        // The settle rule, seen in the agent's own line after the slow write.
        #expect(out.contains("the agent did not take it while it grew"), "\(out)")
        #expect(out.contains("agent | build-42.qcow2: taken"), "\(out)")
        // The outage, as the agent reported it.
        #expect(out.contains("build-42.qcow2: network down; waiting for it"), "\(out)")
        #expect(out.contains("build-42.qcow2: network back after"), "\(out)")
        // kill -9 and the resume from the journal, checked against the emulator's counters.
        #expect(out.contains("killed by SIGKILL mid-upload"), "\(out)")
        #expect(out.contains("resuming unfinished job"), "\(out)")
        #expect(out.contains("upload resumed:"), "\(out)")
        #expect(out.contains("safe parts was sent again"), "\(out)")
        // One import, followed to Available.
        #expect(out.contains("ImportImage calls: 1, images: 1"), "\(out)")
        let imageId = out.components(separatedBy: "done: custom image ").dropFirst().first?
            .split(separator: " ").first.map(String.init)
        #expect(out.contains("is Available"), "\(out)")
        #expect(!run.output.contains("demo-secret-never-printed"))

        let folder = try #require(kept, "the demo names its kept folder")
        let done = folder + "/incoming/done/build-42.qcow2"
        let json = try Data(contentsOf: URL(fileURLWithPath: done + ".result.json"))
        let result = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        let image = try Data(contentsOf: URL(fileURLWithPath: done))
        #expect(result["crc64"] as? String == String(CRC64.checksum(image)))
        #expect(result["size"] as? Int == image.count)
        #expect(result["imageId"] as? String == imageId)
        #expect(result["object"] as? String == "oss://images/builds/build-42.qcow2")
    }
}
