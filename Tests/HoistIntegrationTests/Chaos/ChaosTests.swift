import Foundation
import HoistCore
import HoistEmulator
import Testing

/// The chaos suite: `hoist upload --import --wait` killed with SIGKILL at many seeded points
/// across upload, verify and import, under a seeded mix of faults, then run once more without
/// faults. Whatever happened on the way, the end must be the one right result: the object is the
/// file, byte for byte; one image exists for the job; and the bytes sent twice are bounded by
/// what the kills and the faults could have lost.
///
/// `HOIST_CHAOS_KILLS` raises the kill count (`benchmarks/chaos/run` uses 200);
/// `HOIST_CHAOS_SEED` replays a run; the seed is printed first.
@Suite struct Chaos {
    @Test func killedAnywhereUnderFaultsEndsWithOneExactObjectAndOneImage() async throws {
        let settings = ChaosSettings.fromEnvironment()
        print("chaos: seed \(settings.seed), \(settings.kills) kills (HOIST_CHAOS_SEED=\(settings.seed) replays the plan)")
        let rig = try await ChaosRig(settings: settings)
        do {
            try await check(rig)
        } catch {
            await rig.close()
            throw error
        }
        await rig.close()
    }

    private func check(_ rig: ChaosRig) async throws {
        let settings = rig.settings
        var driver = ChaosDriver(rig: rig)
        try await driver.killRepeatedly()

        rig.emulator.server.faults.clear()
        let final = try await rig.start().wait(timeout: 600)
        let finalEvents = ImportScenario.events(final.stdout).compactMap { $0["event"] as? String }
        driver.ledger.log.append("final run: exit \(final.exitCode) after \(String(format: "%.1f", final.seconds)) s")

        let ledger = driver.ledger
        let tally = rig.emulator.tally
        let resent = tally.acceptedPartBytes - settings.fileSize
        // Each kill, and each expiry or restart, can catch `parallel` parts that reached the server
        // but not the journal; parts the faults destroyed must be sent again.
        let slackEvents = Int64(ledger.totalKills + ledger.destroys + ledger.problems.count)
        let bound = slackEvents * Int64(settings.parallel) * settings.partSize + ledger.lostBytes
        let images = rig.emulator.server.ecs.images().filter { $0.imageName == rig.imageName && !$0.cancelled }
        let ecs = rig.emulator.ecsCounters
        print(ledger.log.joined(separator: "\n"))
        print(ledger.summary(settings: settings, tally: tally, resentBytes: resent, bound: bound, images: images.count,
                             imagesCreated: ecs.imagesCreated, finished: final.exitCode == 0))

        #expect(final.exitCode == 0, "seed \(settings.seed): the final run failed:\n\(ChaosDriver.tail(final.output, lines: 60))")
        #expect(finalEvents.last == "result", "seed \(settings.seed): \(finalEvents)")
        #expect(ledger.problems.isEmpty, "seed \(settings.seed):\n\(ledger.problems.joined(separator: "\n\n"))")
        for phase in [ChaosPhase.upload, .verify, .import] {
            #expect((ledger.kills[phase] ?? 0) >= 1, "seed \(settings.seed): no kill landed in \(phase.rawValue)")
        }
        #expect(ledger.totalKills >= settings.uploadKills + settings.verifyKills + 1,
                "seed \(settings.seed): only \(ledger.totalKills) kills")

        #expect(try await rig.objectMatchesFile(), "seed \(settings.seed): the object differs from the file")
        #expect(images.count == 1, "seed \(settings.seed): images named \(rig.imageName): \(images)")
        #expect(images.first?.status == "Available", "seed \(settings.seed): \(images)")
        #expect(ecs.imagesCreated == 1, "seed \(settings.seed): ImportImage created \(ecs.imagesCreated) images")
        let journaled = try await rig.journaled()
        #expect(journaled?.job.state == .available, "seed \(settings.seed): job \(String(describing: journaled?.job.state))")
        #expect(journaled?.attempt?.imageId == images.first?.imageId)
        #expect(resent <= bound, "seed \(settings.seed): \(resent) bytes re-sent, bound \(bound)")
    }
}
