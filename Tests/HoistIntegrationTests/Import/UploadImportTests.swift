import Foundation
import HoistCore
import HoistEmulator
import Testing
#if canImport(Glibc)
import Glibc
#endif

extension ImportIntegration {
    /// `hoist upload FILE --import … --wait`: one command, one job, both phases.
    @Suite struct UploadThenImport {
        @Test func aQcow2GoesFromFileToAvailableImage() async throws {
            try await withImportScenario(importSeconds: 1) { s in
                let disk = try s.qcow2("disk.qcow2", virtualSize: 3 << 30)
                let run = try await s.run(s.uploadImportArguments(disk, key: "vm/disk.qcow2",
                                                                  ["--image-name", "web-v1", "--platform", "Ubuntu", "--wait", "--json"]))
                #expect(run.exitCode == 0, "\(run.output)")
                #expect(try await s.base.objectMatches(disk, key: "vm/disk.qcow2"))
                let events = ImportScenario.events(run.stdout)
                let names = events.compactMap { $0["event"] as? String }
                for name in ["inspected", "started", "verified", "summary", "submitted", "progress", "result"] {
                    #expect(names.contains(name), "\(name) missing from \(names)")
                }
                #expect(names.firstIndex(of: "inspected")! < names.firstIndex(of: "started")!, "preflight before the upload")
                let summary = try #require(events.first { $0["event"] as? String == "summary" })
                let result = try #require(events.last)
                #expect(result["state"] as? String == "Available", "\(result)")
                #expect(summary["job"] as? String == result["job"] as? String, "one job ties both phases")

                let image = try #require(s.server.ecs.images().first)
                #expect(image.status == "Available" && image.imageName == "web-v1")
                #expect(s.ecs.imagesCreated == 1)
                let state = try #require(try await s.journaled())
                #expect(state.job.state == .available && state.attempt?.imageId == image.imageId)
                // The disk size came from the qcow2 header: 3 GiB virtual.
                #expect(state.attempt?.parametersJSON.contains("\"DiskDeviceMapping.1.DiskImageSize\":\"3\"") == true, "\(state.attempt?.parametersJSON ?? "")")

                // Again: nothing uploaded, nothing imported; the Available image is reported.
                let parts = s.base.receipts.count
                let again = try await s.run(s.uploadImportArguments(disk, key: "vm/disk.qcow2", ["--image-name", "web-v1", "--wait"]))
                #expect(again.exitCode == 0 && again.stdout.contains(image.imageId), "\(again.output)")
                #expect(s.base.receipts.count == parts && s.ecs.importImageCalls == 1)
            }
        }

        /// Killed while following the import: the rerun sends no byte and no ImportImage; it
        /// follows the journaled task to Available.
        @Test func aRerunAfterAKillWhileImportingFollowsTheSameImport() async throws {
            try await withImportScenario(importSeconds: 4) { s in
                let disk = try s.qcow2("disk.qcow2")
                let arguments = s.uploadImportArguments(disk, key: "disk.qcow2", ["--image-name", "web-v1", "--wait", "--json"])
                let child = try s.start(arguments)
                defer { child.signal(SIGKILL) }
                try await waitUntil("the ids in the journal") { try await s.journaled()?.attempt?.imageId != nil }
                child.signal(SIGKILL)
                _ = await child.wait(timeout: 10)
                let parts = s.base.receipts.count
                let imageId = try #require(try await s.journaled()?.attempt?.imageId)

                let rerun = try await s.run(arguments)
                #expect(rerun.exitCode == 0, "\(rerun.output)")
                let names = ImportScenario.events(rerun.stdout).compactMap { $0["event"] as? String }
                #expect(names.contains("resumed") && !names.contains("submitted"), "\(names)")
                #expect(s.base.receipts.count == parts, "no part sent again")
                #expect(s.ecs.importImageCalls == 1 && s.ecs.imagesCreated == 1)
                #expect(try await s.journaled()?.job.state == .available)
                #expect(s.server.ecs.images().first?.imageId == imageId)
            }
        }
    }
}
