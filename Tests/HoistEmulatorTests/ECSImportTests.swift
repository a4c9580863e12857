import Foundation
import HoistCore
import Testing
@testable import HoistEmulator

/// The life of an import: accepted, `Creating` with rising progress, `Available`; or
/// `CreateFailed` when told; and how DescribeImages' default filter hides the middle of it.
@Suite("ECS import lifecycle", .timeLimit(.minutes(2)))
struct ECSImportTests {
    @Test func importGoesFromCreatingToAvailableWithRisingProgress() async throws {
        try await ECSHarness.with { ecs in
            let started = try await ecs.importRaw(name: "ubuntu-22.04-custom_v1")
            #expect(started.imageId.hasPrefix("m-") && started.taskId.hasPrefix("t-"))
            #expect(started.regionId == ECSHarness.region && !started.requestId.isEmpty)

            let seen = try await ecs.follow(started.imageId)
            #expect(seen.first?.imageStatus == .creating)
            let percents = seen.compactMap(\.progressPercent)
            #expect(percents == percents.sorted(), "progress must never fall: \(percents)")
            #expect(Set(percents.filter { $0 > 0 && $0 < 100 }).count >= 2, "expected intermediate progress: \(percents)")
            let last = try #require(seen.last)
            #expect(last.imageStatus == .available && last.progress == "100%")
            #expect(last.imageName == "ubuntu-22.04-custom_v1" && last.size == 1)

            let task = try await ecs.client().describeTaskAttribute(taskId: started.taskId)
            #expect(task.task.taskStatus == .finished && task.taskProcess == "100%" && task.failureReason == nil)
            #expect(task.task.resourceId == started.imageId && task.task.finishedTime?.isEmpty == false)
            let counters = ecs.server.ecs.counters()
            #expect(counters.importImageCalls == 1 && counters.imagesCreated == 1 && counters.idempotentReplays == 0)
        }
    }

    /// DescribeImages names the object an image was imported from, with the element names of
    /// the API reference and the SDK models; Hoist's adoption rule reads exactly these.
    @Test func describeImagesReportsTheImportedObject() async throws {
        try await ECSHarness.with(ECSEmulatorSettings(importSeconds: 30)) { ecs in
            try await ecs.put("other/old.raw", DiskBytes.raw())
            let started = try await ecs.client().importImage(ECSHarness.importRequest("other/old.raw", name: "web-latest"))
            let image = try #require(try await ecs.images([started.imageId]).first)
            #expect(image.importSource == ObjectLocation(bucket: ECSHarness.bucket, key: "other/old.raw"))
            let disk = try #require(image.diskDeviceMappings.first)
            #expect(disk.type == "system" && disk.device == "/dev/xvda" && disk.format == "raw" && disk.size == "1")
            #expect(disk.snapshotId == "" && disk.progress == image.progress)
            #expect((disk.remainTime ?? 0) > 0 && (disk.remainTime ?? 0) <= 30, "\(disk.remainTime ?? -1)")

            let raw = try await ecs.raw("DescribeImages", [("RegionId", ECSHarness.region), ("ImageId", started.imageId),
                                                           ("Status", "Creating,Available")])
            let json = try #require(try JSONSerialization.jsonObject(with: Data(raw.body)) as? [String: Any])
            let listed = try #require(((json["Images"] as? [String: Any])?["Image"] as? [[String: Any]])?.first)
            let mapping = try #require(((listed["DiskDeviceMappings"] as? [String: Any])?["DiskDeviceMapping"] as? [[String: Any]])?.first)
            #expect(mapping["ImportOSSBucket"] as? String == ECSHarness.bucket && mapping["ImportOSSObject"] as? String == "other/old.raw")
            #expect(mapping["Size"] is String && mapping["RemainTime"] is Int, "\(mapping)")
        }
    }

    @Test func waitingComesBeforeCreatingWhenConfigured() async throws {
        try await ECSHarness.with(ECSEmulatorSettings(importSeconds: 1, waitingSeconds: 3)) { ecs in
            let started = try await ecs.importRaw()
            let seen = try await ecs.follow(started.imageId, interval: 0.05)
            let states = seen.map(\.status)
            #expect(states.first == "Waiting" && states.last == "Available", "\(states)")
            #expect(states.firstIndex(of: "Waiting")! < (states.firstIndex(of: "Available") ?? 0))
        }
    }

    @Test func describeImagesHidesImportsUnlessStatusIsGiven() async throws {
        try await ECSHarness.with(ECSEmulatorSettings(importSeconds: 1)) { ecs in
            let started = try await ecs.importRaw()
            let client = ecs.client()
            // No Status: the API's default is Available only.
            let hidden = try await client.call("DescribeImages", [("RegionId", ECSHarness.region), ("ImageId", started.imageId)],
                                               as: DescribeImagesResponse.self)
            #expect(hidden.images.isEmpty && hidden.totalCount == 0)
            let shown = try await ecs.images([started.imageId])
            #expect(shown.map(\.imageId) == [started.imageId])
            let all = try await client.call("DescribeImages", [("RegionId", ECSHarness.region), ("Status", "ALL")],
                                            as: DescribeImagesResponse.self)
            #expect(all.images.count == 1)

            _ = try await ecs.follow(started.imageId)
            let visible = try await client.call("DescribeImages", [("RegionId", ECSHarness.region), ("ImageId", started.imageId)],
                                                as: DescribeImagesResponse.self)
            #expect(visible.images.first?.imageStatus == .available)
            let onlyCreating = try await ecs.images([started.imageId], statuses: [.creating])
            #expect(onlyCreating.isEmpty)
        }
    }

    @Test func describeImagesPagesAndFiltersByName() async throws {
        try await ECSHarness.with(ECSEmulatorSettings(importSeconds: 0)) { ecs in
            var ids: [String] = []
            for name in ["alpha-1", "alpha-2", "beta-1"] { ids.append(try await ecs.importRaw(name: name).imageId) }
            let client = ecs.client()
            let page1 = try await client.describeImages(DescribeImagesQuery(pageNumber: 1, pageSize: 2))
            let page2 = try await client.describeImages(DescribeImagesQuery(pageNumber: 2, pageSize: 2))
            #expect(page1.totalCount == 3 && page1.images.count == 2 && page2.images.count == 1)
            // Newest first, as ECS lists.
            #expect((page1.images + page2.images).map(\.imageId) == ids.reversed())
            let alphas = try await client.describeImages(DescribeImagesQuery(imageName: "alpha"))
            #expect(alphas.images.compactMap(\.imageName).sorted() == ["alpha-1", "alpha-2"])
            let error = await ecsError { _ = try await client.describeImages(DescribeImagesQuery(pageSize: 101)) }
            #expect(error?.code == "InvalidParameter" && error?.httpStatus == 400)
            let other = try await client.describeImages(DescribeImagesQuery(regionId: "cn-beijing"))
            #expect(other.images.isEmpty)
        }
    }

    @Test func createFailedOnCommandCarriesTheReason() async throws {
        try await ECSHarness.with(ECSEmulatorSettings(importSeconds: 30)) { ecs in
            let started = try await ecs.importRaw()
            let r = try await Curl.run(["-X", "POST", "-d", #"{"code":"InvalidImage.Damaged","reason":"disk unreadable"}"#,
                                        ecs.server.baseURL + "/_hoist/admin/ecs/images/\(started.imageId)/fail"])
            #expect(r.status == 200, "\(r.text)")
            let image = try #require(try await ecs.images([started.imageId]).first)
            #expect(image.imageStatus == .createFailed)
            let task = try await ecs.client().describeTaskAttribute(taskId: started.taskId)
            #expect(task.task.taskStatus == .failed && task.task.supportCancel == false)
            #expect(task.failureReason == "InvalidImage.Damaged: disk unreadable")
            // Once ended, it cannot fail again.
            let again = try await Curl.run(["-X", "POST", ecs.server.baseURL + "/_hoist/admin/ecs/images/\(started.imageId)/fail"])
            #expect(again.status == 409)
            #expect(ecs.server.ecs.failImage("m-doesnotexist") == .notFound)
        }
    }

    @Test func failNextImportsFailsHalfwayThenRecovers() async throws {
        try await ECSHarness.with(ECSEmulatorSettings(importSeconds: 0.6, failNextImports: 1)) { ecs in
            let doomed = try await ecs.importRaw()
            let fine = try await ecs.importRaw()
            let doomedSeen = try await ecs.follow(doomed.imageId)
            #expect(doomedSeen.last?.imageStatus == .createFailed)
            #expect((doomedSeen.last?.progressPercent ?? 100) < 100)
            #expect(try await ecs.follow(fine.imageId).last?.imageStatus == .available)
            let task = try await ecs.client().describeTaskAttribute(taskId: doomed.taskId)
            #expect(task.failureReason?.hasPrefix("ImportImageFailed") == true)
            #expect(ecs.server.ecs.counters().importsFailed == 1)
        }
    }

    @Test func formatIsDetectedFromTheStoredBytes() async throws {
        try await ECSHarness.with(ECSEmulatorSettings(importSeconds: 0)) { ecs in
            try await ecs.put("disks/tiny.qcow2", DiskBytes.qcow2(virtualSize: 3 << 30))
            let started = try await ecs.client().importImage(ECSHarness.importRequest("disks/tiny.qcow2", format: nil, size: nil))
            let raw = try await ecs.raw("DescribeImages", [("RegionId", ECSHarness.region), ("ImageId", started.imageId),
                                                           ("Status", "Available")])
            let text = String(decoding: raw.body, as: UTF8.self)
            #expect(text.contains(#""Format":"qcow2""#) && text.contains(#""ImportOSSObject":"disks/tiny.qcow2""#), "\(text)")
            let image = try #require(try await ecs.images([started.imageId]).first)
            #expect(image.size == 3, "virtual size 3 GiB decides the size when DiskImageSize is left out")
        }
    }
}
