import Foundation
import HoistCore
import HoistEmulator
import Testing

extension ImportIntegration {
    /// What must never be imported: an image name held by an image of another object is not
    /// adopted (and is refused before any byte is uploaded), and an object whose CRC-64 is not
    /// the verified one is refused before ECS is asked anything.
    @Suite struct Guards {
        @Test func anImageOfTheNameMadeFromAnotherObjectIsRefusedBeforeTheUpload() async throws {
            try await withImportScenario(importSeconds: 0.5) { s in
                let old = try s.qcow2("old.qcow2")
                try await s.upload(old, key: "other/old.qcow2")
                let first = try await s.run(s.importArguments(key: "other/old.qcow2", ["--image-name", "web-latest", "--wait"]))
                #expect(first.exitCode == 0, "\(first.output)")
                let oldImage = try #require(s.server.ecs.images().first)

                let new = try s.qcow2("new.qcow2", virtualSize: 3 << 30)
                s.server.counters.reset()
                let run = try await s.run(s.uploadImportArguments(new, key: "new.qcow2", ["--image-name", "web-latest", "--wait"]))
                #expect(run.exitCode == 2, "\(run.output)")
                for fact in [oldImage.imageId, "Available", "oss://images/other/old.qcow2"] {
                    #expect(run.stderr.contains(fact), "\(fact) missing from \(run.stderr)")
                }
                let requests = s.requests
                #expect(requests["DescribeImages"] == 1, "one lookup in the preflight: \(requests)")
                #expect(requests["InitiateMultipartUpload"] == nil && requests["UploadPart"] == nil && requests["PutObject"] == nil,
                        "no byte before the refusal: \(requests)")
                #expect(s.ecs.importImageCalls == 1 && s.ecs.imagesCreated == 1)

                // `hoist import` of the new object under that name is refused the same way.
                try await s.upload(new, key: "new.qcow2")
                let imported = try await s.run(s.importArguments(key: "new.qcow2", ["--image-name", "web-latest", "--wait"]))
                #expect(imported.exitCode == 2 && imported.stderr.contains(oldImage.imageId), "\(imported.output)")
                #expect(s.ecs.importImageCalls == 1)
            }
        }

        /// With the journal gone, nothing proves which build an image came from: its tags name a
        /// job this journal does not know. The rerun refuses (naming the image and its job)
        /// rather than report an image it cannot vouch for, and imports nothing twice.
        @Test func withoutANameTheJobDerivesOneAndALostJournalCannotClaimItsImage() async throws {
            try await withImportScenario(importSeconds: 0.5) { s in
                let disk = try s.qcow2("disk.qcow2")
                let run = try await s.run(s.uploadImportArguments(disk, key: "vm/disk.qcow2", ["--wait"]))
                #expect(run.exitCode == 0, "\(run.output)")
                let image = try #require(s.server.ecs.images().first)
                #expect(image.imageName == "disk.qcow2" && image.status == "Available")

                let journaled = try #require(try await s.journaled())
                #expect(image.tags["hoist:job"] == journaled.job.id)

                for name in try FileManager.default.contentsOfDirectory(atPath: s.base.stateDirectory)
                where name.hasPrefix("journal.sqlite") {
                    try FileManager.default.removeItem(atPath: s.base.stateDirectory + "/" + name)
                }
                let again = try await s.run(s.importArguments(key: "vm/disk.qcow2", ["--source-file", disk, "--wait", "--json"]))
                #expect(again.exitCode == 2, "\(again.output)")
                #expect(again.stderr.contains(image.imageId) && again.stderr.contains("hoist:job=\(journaled.job.id)"), "\(again.stderr)")
                #expect(s.ecs.importImageCalls == 1 && s.ecs.imagesCreated == 1)
            }
        }

        @Test func anObjectOverwrittenAfterItsUploadIsNotImported() async throws {
            try await withImportScenario { s in
                let disk = try s.qcow2("disk.qcow2")
                try await s.upload(disk, key: "disk.qcow2")
                let original = Array(try Data(contentsOf: URL(fileURLWithPath: disk)))
                var other = original
                other[other.count - 1] ^= 0xFF
                _ = try await s.base.client.putObject(bucket: s.bucket, key: "disk.qcow2", body: .bytes(other))

                for extra in [[], ["--source-file", disk]] {
                    let run = try await s.run(s.importArguments(key: "disk.qcow2", ["--image-name", "web-v1"] + extra))
                    #expect(run.exitCode == 8, "\(run.output)")
                    #expect(run.stderr.contains("\(CRC64.checksum(other))") && run.stderr.contains("\(CRC64.checksum(original))"),
                            "both CRCs named: \(run.stderr)")
                }
                #expect(s.ecsRequestCount == 0, "ECS asked nothing: \(s.requests)")
            }
        }

        @Test func anObjectHoistDidNotUploadIsCheckedAgainstTheSourceFile() async throws {
            try await withImportScenario { s in
                let disk = try s.qcow2("disk.qcow2")
                let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: disk)))
                _ = try await s.base.client.putObject(bucket: s.bucket, key: "foreign.qcow2", body: .bytes(bytes))
                let lookalike = try s.qcow2("lookalike.qcow2", virtualSize: 3 << 30)

                let unchecked = try await s.run(s.importArguments(key: "foreign.qcow2", ["--image-name", "web-v1"]))
                #expect(unchecked.exitCode == 2 && unchecked.stderr.contains("--source-file"), "\(unchecked.output)")
                let wrong = try await s.run(s.importArguments(key: "foreign.qcow2", ["--image-name", "web-v1", "--source-file", lookalike]))
                #expect(wrong.exitCode == 8 && wrong.stderr.contains(lookalike), "\(wrong.output)")
                #expect(s.ecsRequestCount == 0 && s.ecs.importImageCalls == 0)

                let right = try await s.run(s.importArguments(key: "foreign.qcow2", ["--image-name", "web-v1", "--source-file", disk]))
                #expect(right.exitCode == 0, "\(right.output)")
                #expect(s.ecs.importImageCalls == 1)
            }
        }
    }
}
