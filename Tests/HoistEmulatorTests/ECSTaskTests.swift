import Foundation
import HoistCore
import Testing
@testable import HoistEmulator

/// DescribeTasks, DescribeTaskAttribute and CancelTask on import tasks.
@Suite("ECS tasks", .timeLimit(.minutes(2)))
struct ECSTaskTests {
    @Test func cancelTaskEndsTheImportAndHidesTheImage() async throws {
        try await ECSHarness.with(ECSEmulatorSettings(importSeconds: 30)) { ecs in
            let started = try await ecs.importRaw(name: "to-cancel")
            let client = ecs.client()
            let running = try await client.describeTaskAttribute(taskId: started.taskId)
            #expect(running.task.taskStatus == .processing && running.task.supportCancel == true)

            let cancelled = try await client.cancelTask(taskId: started.taskId)
            #expect(!cancelled.requestId.isEmpty)
            #expect(try await ecs.images([started.imageId]).isEmpty, "a cancelled import's image is gone")
            let task = try await client.describeTaskAttribute(taskId: started.taskId)
            #expect(task.task.taskStatus == .other("Cancelled") && task.task.supportCancel == false)
            #expect(task.task.finishedTime?.isEmpty == false)

            let again = await ecsError { _ = try await client.cancelTask(taskId: started.taskId) }
            #expect(again?.code == "InvalidTaskId.IncorrectTaskStatus" && again?.httpStatus == 403)
            let unknown = await ecsError { _ = try await client.cancelTask(taskId: "t-doesnotexist") }
            #expect(unknown?.code == "InvalidTaskId.NotFound" && unknown?.httpStatus == 400)
            let missing = await ecsError { _ = try await client.call("CancelTask", [("RegionId", ECSHarness.region)], as: CancelTaskResponse.self) }
            #expect(missing?.code == "MissingParameter")
            // The name is free again, as the image no longer exists.
            _ = try await ecs.importRaw(name: "to-cancel")
            #expect(ecs.server.ecs.counters().tasksCancelled == 1)
        }
    }

    @Test func finishedTasksCannotBeCancelled() async throws {
        try await ECSHarness.with(ECSEmulatorSettings(importSeconds: 0)) { ecs in
            let started = try await ecs.importRaw()
            let error = await ecsError { _ = try await ecs.client().cancelTask(taskId: started.taskId) }
            #expect(error?.code == "InvalidTaskId.IncorrectTaskStatus")
        }
    }

    @Test func describeTasksFiltersByIdActionAndStatus() async throws {
        try await ECSHarness.with(ECSEmulatorSettings(importSeconds: 30)) { ecs in
            let a = try await ecs.importRaw()
            let b = try await ecs.importRaw()
            #expect(ecs.server.ecs.failImage(b.imageId, code: "X", message: "y") == .done)
            let client = ecs.client()
            let both = try await client.describeTasks(DescribeTasksQuery(taskIds: [a.taskId, b.taskId]))
            #expect(Set(both.tasks.map(\.taskId)) == [a.taskId, b.taskId] && both.totalCount == 2)
            let processing = try await client.describeTasks(DescribeTasksQuery(taskStatus: "Processing"))
            #expect(processing.tasks.map(\.taskId) == [a.taskId])
            #expect(processing.tasks.first?.resourceId == a.imageId && processing.tasks.first?.supportCancel == true)
            let failed = try await client.describeTasks(DescribeTasksQuery(taskStatus: "Failed"))
            #expect(failed.tasks.map(\.taskId) == [b.taskId])
            let exports = try await client.describeTasks(DescribeTasksQuery(taskAction: "ExportImage"))
            #expect(exports.tasks.isEmpty)
            let creation = try #require(both.tasks.first?.creationTime)
            #expect(creation.count == 17 && ECSTimestamp.parse(creation) != nil, "minute precision: \(creation)")
        }
    }

    @Test func describeTaskAttributeReportsProgressAndItems() async throws {
        try await ECSHarness.with(ECSEmulatorSettings(importSeconds: 600)) { ecs in
            let started = try await ecs.importRaw()
            // A minute on in the server's clock (not the machine's): progress is under way,
            // and far from done, however busy the machine is.
            ecs.server.faults.setClockSkew(seconds: 60)
            let task = try await ecs.client().describeTaskAttribute(taskId: started.taskId)
            let percent = try #require(task.progressPercent)
            #expect(percent > 0 && percent < 100 && task.task.taskStatus == .processing)
            let items = try #require(task.operationProgress.first).relatedItems
            #expect(items.map(\.name) == ["OSSBucket", "OSSObject", "ImageFormat"])
            #expect(items.first?.value == ECSHarness.bucket && items.last?.value == "raw")
            let unknown = await ecsError { _ = try await ecs.client().describeTaskAttribute(taskId: "t-nothing") }
            #expect(unknown?.code == "InvalidTaskId.NotFound")
        }
    }

    @Test func progressFollowsTheFaultClock() async throws {
        try await ECSHarness.with(ECSEmulatorSettings(importSeconds: 600)) { ecs in
            let started = try await ecs.importRaw()
            // Ten minutes later on the server's clock, the import is done. (ECS checks the request
            // time against the server clock, so the client signs with the skewed time too.)
            ecs.server.faults.setClockSkew(seconds: 601)
            let client = ECSClient(configuration: .init(regionId: ECSHarness.region, endpoint: ecs.endpoint, validator: nil,
                                                        clock: { Date().addingTimeInterval(601) }),
                                   credentials: ECSHarness.key, transport: ecs.transport)
            let image = try #require(try await client.describeImages(DescribeImagesQuery(imageIds: [started.imageId])).images.first)
            #expect(image.imageStatus == .available)
        }
    }
}
