import Foundation
import HoistCore
import HoistEmulator
#if canImport(Glibc)
import Glibc
#endif

/// The end of the demo: the agent files the image in done/, and the demo checks what it wrote
/// against the emulator's counters and the CRC-64 of the file it built.
extension DemoRun {
    func finish(_ server: EmulatorServer, localCRC: UInt64, resumed: Resume) async throws {
        _ = try await demoWait("the agent filing \(Self.file) in done/", timeout: 600, agent: currentAgent) {
            lines.first(containing: "\(Self.file): done, result in")
        }
        reportResend(server, resumed)

        let resultPath = done + "/" + Self.file + ".result.json"
        let data = try Data(contentsOf: URL(fileURLWithPath: resultPath))
        guard let result = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw GeneralFailure("\(resultPath) is not a JSON object")
        }
        say.step("result", "incoming/done/\(Self.file).result.json:")
        say.block(String(decoding: data, as: UTF8.self))
        let crc = result["crc64"] as? String
        guard crc == String(localCRC) else {
            throw GeneralFailure("result.json says CRC-64 \(crc ?? "none"), the built file has \(localCRC)")
        }
        say.detail("CRC-64 \(localCRC) is the CRC-64 of the file the build wrote: match")

        let calls = server.ecs.counters()
        let images = server.ecs.images()
        say.step("ecs", "ImportImage calls: \(calls.importImageCalls), images: \(images.count) (the emulator's counters)")
        guard calls.importImageCalls == 1, images.count == 1, let image = images.first else {
            throw GeneralFailure("expected exactly one ImportImage and one image")
        }
        guard image.imageId == result["imageId"] as? String, image.status == "Available" else {
            throw GeneralFailure("ECS has image \(image.imageId) (\(image.status)); result.json names \(result["imageId"] ?? "none")")
        }
        // Which bytes the image is made of, as the emulator recorded them when ImportImage read the object.
        guard image.sourceCRC64 == String(localCRC), image.sourceWritesDuringImport == 0 else {
            throw GeneralFailure("image \(image.imageId) was made from bytes with CRC-64 \(image.sourceCRC64 ?? "unknown") "
                                 + "(\(image.sourceWritesDuringImport) writes during the import), not the build's \(localCRC)")
        }
        say.detail("image \(image.imageId) was made from the object's bytes with CRC-64 \(localCRC) (the emulator's record "
                   + "at ImportImage), tagged hoist:job=\(image.tags["hoist:job"] ?? "?"): this build's")

        if let agent = currentAgent {
            agent.signal(SIGTERM)
            let status = try await agent.waitForExit()
            say.step("stop", "agent stopped by SIGTERM, exit status \(status)")
        }
        say.done("custom image \(image.imageId) (\(image.imageName ?? Self.imageName)) is Available")
    }

    /// What the restart cost, from the emulator's counters: the parts it stored after the
    /// restart, against the parts the agent said were already safe.
    private func reportResend(_ server: EmulatorServer, _ resumed: Resume) {
        let after = Array(server.counters.snapshot().parts.filter { $0.status == 200 }.dropFirst(resumed.receiptsBeforeRestart))
        let sent = Set(after.map(\.partNumber))
        say.step("resend", "after the restart the emulator stored \(after.count) parts of \(partCount)")
        if let safe = resumed.safeParts, after.count == partCount - safe, sent.count == after.count {
            say.detail("exactly the \(partCount - safe) not journaled: none of the \(safe) safe parts was sent again")
        }
        let inFlight = sent.intersection(resumed.storedBeforeKill).count
        if inFlight > 0 {
            say.detail("\(inFlight) of them had reached the emulator just before the kill, not yet journaled, so sent again")
        }
    }
}
