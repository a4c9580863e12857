import Foundation
import HoistCore
import HoistEmulator
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `hoist import`, `hoist cancel` and `hoist upload --import` as child processes against the
/// emulator's ECS side: an import to Available, one that fails, one cancelled, and a crash
/// between ImportImage's answer and the journal write. One suite at a time, like the upload
/// suites: each starts an emulator and `hoist` children.
@Suite(.serialized, .timeLimit(.minutes(5)), .enabled(if: HoistBinary.path != nil, "needs: swift build --product hoist"))
struct ImportIntegration {}

extension ImportIntegration {
    @Suite struct Lifecycle {
        @Test func importWaitReachesAvailableShowingProgress() async throws {
            try await withImportScenario(importSeconds: 1.5) { s in
                let disk = try s.qcow2("disk.qcow2")
                try await s.upload(disk, key: "vm/disk.qcow2")
                let run = try await s.run(s.importArguments(key: "vm/disk.qcow2",
                                                            ["--image-name", "web-v1", "--source-file", disk, "--wait", "--json"]))
                #expect(run.exitCode == 0, "\(run.output)")
                let events = ImportScenario.events(run.stdout)
                let names = events.compactMap { $0["event"] as? String }
                #expect(names.contains("inspected") && names.contains("submitted") && names.contains("progress"), "\(names)")
                let result = try #require(events.last)
                #expect(result["event"] as? String == "result" && result["state"] as? String == "Available", "\(result)")
                let imageId = try #require(result["imageId"] as? String)
                #expect(s.server.ecs.images().first { $0.imageId == imageId }?.status == "Available")
                #expect(s.ecs.imagesCreated == 1 && s.ecs.importImageCalls == 1)
                #expect(!run.output.contains(UploadScenario.accessKey.secret))

                // The same command again: the job is Available, nothing new is imported.
                let again = try await s.run(s.importArguments(key: "vm/disk.qcow2",
                                                              ["--image-name", "web-v1", "--source-file", disk, "--wait"]))
                #expect(again.exitCode == 0 && again.stdout.contains(imageId), "\(again.output)")
                #expect(s.ecs.importImageCalls == 1)
            }
        }

        @Test func aFailedImportFailsTheJobWithTheReasonAndExit3() async throws {
            try await withImportScenario(importSeconds: 1) { s in
                let disk = try s.qcow2("disk.qcow2")
                try await s.upload(disk, key: "disk.qcow2")
                s.server.ecs.failNextImports(1, code: "ImportImageFailed", message: "the partition table is unreadable")
                let run = try await s.run(s.importArguments(key: "disk.qcow2", ["--image-name", "web-v1", "--wait"]))
                #expect(run.exitCode == 3, "\(run.output)")
                #expect(run.stdout.contains("import failed") && run.output.contains("the partition table is unreadable"),
                        "\(run.output)")
                let state = try #require(try await s.journaled())
                #expect(state.job.state == .failed && state.job.error?.contains("partition table") == true)
                #expect(s.ecs.importsFailed == 1)

                // A rerun does not import again on its own: that is `hoist retry`'s call.
                let rerun = try await s.run(s.importArguments(key: "disk.qcow2", ["--image-name", "web-v1"]))
                #expect(rerun.exitCode == 1 && rerun.stderr.contains("hoist retry \(state.job.id)"), "\(rerun.output)")
                #expect(s.ecs.importImageCalls == 1)
            }
        }

        @Test func cancelStopsTheImportAndTheWaitingRun() async throws {
            try await withImportScenario(importSeconds: 120) { s in
                let disk = try s.qcow2("disk.qcow2")
                try await s.upload(disk, key: "disk.qcow2")
                let waiting = try s.start(s.importArguments(key: "disk.qcow2", ["--image-name", "web-v1", "--wait"]))
                defer { waiting.signal(SIGKILL) }
                try await waitUntil("the import to start") { !s.server.ecs.images().isEmpty }
                try await waitUntil("the journal to hold the ids") { try await s.journaled()?.attempt?.taskId != nil }
                let job = try #require(try await s.journaled()).job.id

                let cancel = try await s.run(s.cancelArguments(job))
                #expect(cancel.exitCode == 0 && cancel.stdout.contains("cancelled"), "\(cancel.output)")
                #expect(s.ecs.tasksCancelled == 1)
                let followed = await waiting.wait(timeout: 30)
                #expect(followed.exitCode == 4, "\(followed.output)")
                #expect(try await s.journaled()?.job.state == .cancelled)
            }
        }

        /// The window DESIGN.md §3 guards: ECS created the image but the process died before it
        /// journaled the ids. The emulator decides a request's bandwidth when its head arrives,
        /// so the name lookup just before ImportImage is held by latency while the test caps the
        /// bandwidth; ImportImage's answer then trickles out after the image exists, and the
        /// kill lands in between. The rerun must not create a second image.
        @Test func killAfterImportImageBeforeTheJournalWriteDoesNotImportTwice() async throws {
            try await withImportScenario(importSeconds: 1) { s in
                let disk = try s.qcow2("disk.qcow2")
                try await s.upload(disk, key: "disk.qcow2")
                s.server.faults.update { $0.latency = [LatencyFault(operation: "DescribeImages", milliseconds: 1500)] }
                let arguments = s.importArguments(key: "disk.qcow2", ["--image-name", "web-v1", "--wait"])
                let child = try s.start(arguments)
                defer { child.signal(SIGKILL) }
                try await waitUntil("the lookup by name") { (s.requests["DescribeImages"] ?? 0) >= 1 }
                s.server.faults.update { $0.bandwidth = BandwidthFault(bytesPerSecond: 8) }
                #expect((s.requests["ImportImage"] ?? 0) == 0, "ImportImage came before the cap was set")
                try await waitUntil("the image to be created") { s.ecs.imagesCreated >= 1 }
                child.signal(SIGKILL)
                let killed = await child.wait(timeout: 10)
                #expect(killed.signalled, "\(killed.output)")

                let before = try #require(try await s.journaled())
                #expect(before.job.state == .importing)
                let attempt = try #require(before.attempt, "the token is journaled before ImportImage")
                #expect(attempt.imageId == nil, "the kill was meant to land before the ids were journaled")

                s.server.faults.clear()
                let rerun = try await s.run(arguments)
                #expect(rerun.exitCode == 0, "\(rerun.output)")
                #expect(s.ecs.imagesCreated == 1, "a second image was created: \(s.server.ecs.images())")
                let after = try #require(try await s.journaled())
                #expect(after.attempt?.clientToken == attempt.clientToken && after.job.state == .available)
                #expect(after.attempt?.imageId == s.server.ecs.images().first?.imageId)
            }
        }
    }
}
