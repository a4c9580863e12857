import Foundation
import HoistCore
import HoistEmulator
import Testing

extension ImportIntegration {
    /// One image per build: an image factory rebuilds `web.raw` every day under the same key. A
    /// rebuild is never reported with yesterday's image; a template gives each build its own.
    @Suite struct Provenance {
        /// Writes "day N's build" of the same file: same path, new bytes.
        static func build(_ s: ImportScenario, day: Int) throws -> (path: String, crc: UInt64) {
            let path = try s.qcow2("web.qcow2", virtualSize: UInt64(day + 1) << 30)
            return (path, CRC64.checksum(Array(try Data(contentsOf: URL(fileURLWithPath: path)))))
        }

        @Test func aRebuildUnderTheSameNameIsRefusedBeforeAByteAndATemplateImportsItsOwnImage() async throws {
            try await withImportScenario(importSeconds: 0.3) { s in
                let day1 = try Self.build(s, day: 1)
                let first = try await s.run(s.uploadImportArguments(day1.path, key: "builds/web.qcow2",
                                                                    ["--image-name", "web-latest", "--wait"]))
                #expect(first.exitCode == 0, "\(first.output)")
                let yesterday = try #require(s.server.ecs.images().first)
                #expect(yesterday.sourceCRC64 == String(day1.crc), "the image is made of day 1's bytes")
                #expect(yesterday.tags["hoist:crc64"] == String(day1.crc) && yesterday.tags["hoist:job"]?.hasPrefix("j-") == true)

                let day2 = try Self.build(s, day: 2)
                s.server.counters.reset()
                let refused = try await s.run(s.uploadImportArguments(day2.path, key: "builds/web.qcow2",
                                                                      ["--image-name", "web-latest", "--wait"]))
                #expect(refused.exitCode == 2, "\(refused.output)")
                for fact in [yesterday.imageId, "Available", "oss://images/builds/web.qcow2", "hoist:job=", "{date}"] {
                    #expect(refused.stderr.contains(fact), "\(fact) missing from \(refused.stderr)")
                }
                #expect(s.requests["UploadPart"] == nil && s.requests["InitiateMultipartUpload"] == nil,
                        "nothing sent before the refusal: \(s.requests)")

                let templated = try await s.run(s.uploadImportArguments(day2.path, key: "builds/web.qcow2",
                                                                        ["--image-name", "web-{crc}", "--wait", "--json"]))
                #expect(templated.exitCode == 0, "\(templated.output)")
                let images = s.server.ecs.images()
                #expect(images.count == 2 && s.ecs.importImageCalls == 2)
                let today = try #require(images.first { $0.imageId != yesterday.imageId })
                let hex = String(String(repeating: "0", count: 16 - String(day2.crc, radix: 16).count) + String(day2.crc, radix: 16))
                #expect(today.imageName == "web-" + hex.prefix(8), "\(today)")
                #expect(today.sourceCRC64 == String(day2.crc) && today.sourceWritesDuringImport == 0)
                #expect(today.clientToken != nil && today.clientToken != yesterday.clientToken, "a new build, a new token")
                let result = try #require(ImportScenario.events(templated.stdout).last { $0["event"] as? String == "result" })
                #expect(result["imageId"] as? String == today.imageId)
                #expect((result["provenance"] as? String)?.contains("hoist:crc64=\(day2.crc)") == true, "\(result)")
            }
        }

        @Test func aRerunAfterAKillBetweenCompleteAndImportImageStillRefusesYesterdaysImage() async throws {
            try await withImportScenario(importSeconds: 0.3) { s in
                let day1 = try Self.build(s, day: 1)
                let first = try await s.run(s.uploadImportArguments(day1.path, key: "web.qcow2", ["--image-name", "web-latest", "--wait"]))
                #expect(first.exitCode == 0, "\(first.output)")
                let yesterday = try #require(s.server.ecs.images().first)

                // Day 2's upload is killed while its Complete is on the wire: OSS completes the
                // object for a client that is gone, and the job never reached ImportImage.
                let day2 = try Self.build(s, day: 2)
                s.server.faults.addLatency(LatencyFault(operation: "CompleteMultipartUpload", milliseconds: 1500))
                s.server.counters.reset()
                let child = try s.start(s.base.arguments(day2.path, key: "web.qcow2"))
                try await waitUntil("Complete is in flight") { s.requests["CompleteMultipartUpload"] ?? 0 >= 1 }
                child.signal(SIGKILL)
                _ = await child.wait()
                s.server.faults.clear()

                let rerun = try await s.run(s.uploadImportArguments(day2.path, key: "web.qcow2", ["--image-name", "web-latest", "--wait"]))
                #expect(rerun.exitCode == 2 && rerun.stderr.contains(yesterday.imageId), "\(rerun.output)")
                #expect(s.ecs.importImageCalls == 1, "nothing imported, nothing adopted")

                let named = try await s.run(s.uploadImportArguments(day2.path, key: "web.qcow2", ["--image-name", "web-{job}", "--wait"]))
                #expect(named.exitCode == 0, "\(named.output)")
                let today = try #require(s.server.ecs.images().first { $0.imageId != yesterday.imageId })
                #expect(today.sourceCRC64 == String(day2.crc), "the new image is made of day 2's bytes")
                let (job, attempt) = try #require(try await s.journaled())
                #expect(today.imageName == "web-\(job.id)" && attempt?.imageId == today.imageId)
            }
        }

        /// `hoist import` with a templated name finds its job again on a rerun (the name is
        /// journaled expanded, beside its template) and follows the same import.
        @Test func aTemplatedImportRerunFindsItsJob() async throws {
            try await withImportScenario(importSeconds: 0.5) { s in
                let disk = try Self.build(s, day: 1)
                try await s.upload(disk.path, key: "t.qcow2")
                let first = try await s.run(s.importArguments(key: "t.qcow2", ["--image-name", "web-{crc}"]))
                #expect(first.exitCode == 0, "\(first.output)")
                let again = try await s.run(s.importArguments(key: "t.qcow2", ["--image-name", "web-{crc}", "--wait"]))
                #expect(again.exitCode == 0, "\(again.output)")
                #expect(s.ecs.importImageCalls == 1 && s.server.ecs.images().count == 1, "one import, followed by the rerun")
            }
        }

        /// An image without Hoist's tags (another tool's import, an older Hoist) counts as this
        /// object's bytes only when ECS made it clearly after the object's current version.
        @Test func anUntaggedImageOfTheObjectIsAdoptedOnlyWhenItPostdatesTheObjectsVersion() async throws {
            try await withImportScenario(importSeconds: 0.3) { s in
                let disk = try Self.build(s, day: 1)
                let ecs = s.base.ecsClient()
                func foreignImport(_ name: String, key: String) async throws -> String {
                    let request = ImportImageRequest(regionId: "cn-hangzhou", imageName: name, platform: "Ubuntu",
                                                     diskDeviceMappings: [.init(ossBucket: s.bucket, ossObject: key, format: "QCOW2")])
                    return try await ecs.importImage(request).imageId
                }

                // Made right after the object was written: within the margin, not proven.
                try await s.upload(disk.path, key: "a.qcow2")
                let soon = try await foreignImport("web-a", key: "a.qcow2")
                let refused = try await s.run(s.importArguments(key: "a.qcow2", ["--image-name", "web-a", "--source-file", disk.path]))
                #expect(refused.exitCode == 2 && refused.stderr.contains(soon) && refused.stderr.contains("margin"),
                        "\(refused.output)")

                // The object written ten minutes before the image by the emulator's clock: proven.
                s.server.faults.setClockSkew(seconds: -600)
                try await s.upload(disk.path, key: "b.qcow2")
                s.server.faults.setClockSkew(seconds: 0)
                let later = try await foreignImport("web-b", key: "b.qcow2")
                let adopted = try await s.run(s.importArguments(key: "b.qcow2", ["--image-name", "web-b", "--source-file", disk.path,
                                                                                 "--wait", "--json"]))
                #expect(adopted.exitCode == 0, "\(adopted.output)")
                let event = try #require(ImportScenario.events(adopted.stdout).first { $0["event"] as? String == "adopted" })
                #expect(event["imageId"] as? String == later)
                #expect((event["provenance"] as? String)?.contains("after its current version was written") == true, "\(event)")
                #expect(s.ecs.importImageCalls == 2 && s.ecs.imagesCreated == 2, "Hoist imported nothing itself")
            }
        }

        /// A new build of a key whose earlier import is still `Creating` waits, visibly, and sends
        /// no byte to that key until the import ends; the earlier job's journal records the end.
        @Test func aNewBuildWaitsForTheImportStillReadingItsObject() async throws {
            try await withImportScenario(importSeconds: 600) { s in
                let day1 = try Self.build(s, day: 1)
                let started = try await s.run(s.uploadImportArguments(day1.path, key: "web.qcow2", ["--image-name", "web-{job}"]))
                #expect(started.exitCode == 0, "\(started.output)")
                let yesterday = try #require(s.server.ecs.images().first)
                #expect(yesterday.status == "Waiting" || yesterday.status == "Creating")

                let day2 = try Self.build(s, day: 2)
                s.server.counters.reset()
                let child = try s.start(s.uploadImportArguments(day2.path, key: "web.qcow2", ["--image-name", "web-{job}", "--wait", "--json"]))
                try await waitUntil("the new build waits for the import") {
                    child.stdout.contains("waiting-for-earlier-import") || !child.isRunning
                }
                let status = try await s.run(["status", "--json", "--state-dir", s.base.stateDirectory, "--config", s.base.directory + "/hoist.toml"])
                let jobs = try #require((try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])?["jobs"] as? [[String: Any]])
                let first = try #require(jobs.first { $0["image_id"] as? String == yesterday.imageId })
                #expect(jobs.contains { $0["waiting_for_import_of"] as? String == first["job"] as? String }, "\(status.stdout)")
                #expect(s.requests["UploadPart"] == nil && s.requests["InitiateMultipartUpload"] == nil,
                        "no byte to the key while its import runs: \(s.requests)")

                s.server.ecs.updateSettings { $0.importSeconds = 0.3 }
                #expect(s.server.ecs.finishImage(yesterday.imageId) == .done)
                let run = await child.wait(timeout: 120)
                #expect(run.exitCode == 0, "\(run.output)")
                let images = s.server.ecs.images()
                let ended = try #require(images.first { $0.imageId == yesterday.imageId })
                let today = try #require(images.first { $0.imageId != yesterday.imageId })
                #expect(ended.sourceCRC64 == String(day1.crc) && ended.sourceWritesDuringImport == 0, "\(ended)")
                #expect(today.sourceCRC64 == String(day2.crc) && s.ecs.sourceWritesDuringImport == 0)
                let journal = try UploadJournal(path: s.base.stateDirectory + "/journal.sqlite")
                defer { try? journal.close() }
                #expect(try await journal.job(id: first["job"] as? String ?? "")?.state == .available,
                        "the wait followed the earlier import to its end and journaled it")
            }
        }
    }
}
