import Foundation
import Testing
@testable import HoistCore

/// The import edge cases against the same canned ECS as `ImportTrackerTests`: an image not
/// visible yet, a name held by an image of another object, cancelling an attempt whose ids
/// were never journaled, and a retry while the old task still runs.
extension ImportTrackerTests {
    @Test func cancellingFindsTheTaskAnAttemptStartedBeforeItsIdsWereJournaled() async throws {
        let job = try await uploadedJob()
        _ = try? await tracker().run(jobId: job.id, request: Self.request)
        let token = try #require(try await journal.latestImport(jobId: job.id)?.clientToken)
        // The image is not listed yet (eventual consistency); its running task reads our object.
        let answer: @Sendable (String) -> (Int, String)? = { action in
            switch action {
            case "DescribeTasks":
                return (200, #"{"RequestId":"r","TotalCount":1,"TaskSet":{"Task":[{"TaskId":"t-9","TaskAction":"ImportImage","TaskStatus":"Processing","ResourceId":"m-9"}]}}"#)
            case "DescribeTaskAttribute":
                return (200, #"{"RequestId":"r","TaskId":"t-9","TaskAction":"ImportImage","TaskStatus":"Processing","OperationProgressSet":{"OperationProgress":[{"OperationStatus":"Processing","RelatedItemSet":{"RelatedItem":[{"Name":"OSSBucket","Value":"examplebucket"},{"Name":"OSSObject","Value":"images/disk.qcow2"}]}}]}}"#)
            case "CancelTask":
                return (200, #"{"RequestId":"r"}"#)
            default:
                return Self.networkDownForImports(action)
            }
        }
        let outcome = try await tracker(answer: answer).cancel(jobId: job.id)
        guard case .cancelled(let record?) = outcome else { Issue.record("\(outcome)"); return }
        #expect(record.clientToken == token && record.imageId == "m-9" && record.taskId == "t-9")
        #expect(await wire.calls(of: "CancelTask").map { $0.call.parameters["TaskId"] } == ["t-9"])
        #expect(try await journal.job(id: job.id)?.state == .cancelled)
    }

    @Test func aTokenEndedByAnOperatorIsNeverSentAgainByARunningImport() async throws {
        let job = try await uploadedJob()
        let journal = journal
        // While this run waits to retry ImportImage, `hoist cancel` (another process) ends the attempt.
        let cancelElsewhere: @Sendable (Duration) async throws -> Void = { _ in
            guard var attempt = try await journal.latestImport(jobId: job.id), !attempt.attemptState.isFinal else { return }
            attempt.state = ImportAttemptState.cancelled.rawValue
            attempt.finishedAt = Date()
            _ = try await journal.recordImport(attempt)
            try await journal.updateState(jobId: job.id, to: .cancelled, error: "cancelled by operator")
        }
        let outcome = try await tracker(sleep: cancelElsewhere).run(jobId: job.id, request: Self.request)
        guard case .cancelled = outcome else { Issue.record("\(outcome)"); return }
        #expect(await wire.calls(of: "ImportImage").count == 1, "the ended token went out again")
        #expect(try await journal.job(id: job.id)?.state == .cancelled)
    }

    /// ECS lists `m-1` (and knows task `t-1`) only after `hiddenPolls` DescribeImages calls;
    /// then the image is Available.
    static func visibleAfter(_ hiddenPolls: Int?) -> @Sendable (String) -> (Int, String)? {
        let polls = PollCounter()
        return { action in
            switch action {
            case "DescribeImages":
                if let hiddenPolls, polls.next() > hiddenPolls { return (200, imageJSON("m-1", status: "Available")) }
                return Self.networkDownForImports(action)
            case "DescribeTaskAttribute":
                return (400, #"{"RequestId":"r","Code":"InvalidTaskId.NotFound","Message":"The specified TaskId is not found."}"#)
            default:
                return nil
            }
        }
    }

    func importingJob() async throws -> JobRecord {
        let job = try await uploadedJob()
        try await journal.updateState(jobId: job.id, to: .importing)
        try await journal.recordImport(ImportRecord(clientToken: "hoist-t", jobId: job.id, region: "cn-hangzhou",
                                                    imageName: "ubuntu-24.04-v1", taskId: "t-1", imageId: "m-1",
                                                    state: "Creating", parametersJSON: ImportRequestCoding.json(Self.request)))
        return job
    }

    @Test func anImageNotVisibleYetIsNotALostImport() async throws {
        let job = try await importingJob()
        let outcome = try await tracker(answer: Self.visibleAfter(8)).resume(jobId: job.id)
        guard case .available(let record) = outcome else { Issue.record("\(outcome)"); return }
        #expect(record.imageId == "m-1")
        #expect(await wire.calls(of: "DescribeImages").count == 9)
    }

    @Test func onlyALongStreakOfPollsWithoutImageOrTaskIsALostImport() async throws {
        let job = try await importingJob()
        let limit = ImportTracker.Settings.defaultMissingImageLimit
        #expect(limit >= 10, "a few polls of eventual consistency must not fail an import")
        let outcome = try await tracker(answer: Self.visibleAfter(nil)).resume(jobId: job.id)
        guard case .failed(_, let reason) = outcome else { Issue.record("\(outcome)"); return }
        #expect(await wire.calls(of: "DescribeImages").count == limit)
        #expect(reason.contains("\(limit) polls in a row") && reason.contains("taken as lost") && reason.contains("t-1"), "\(reason)")
        #expect(try await journal.job(id: job.id)?.state == .failed)
    }

    @Test func retryRefusesWhileTheOldTaskStillRuns() async throws {
        let job = try await importingJob()
        var attempt = try #require(try await journal.latestImport(jobId: job.id))
        attempt.state = ImportAttemptState.failed.rawValue
        attempt.finishedAt = Date()
        try await journal.recordImport(attempt)
        try await journal.updateState(jobId: job.id, to: .failed, error: "taken as lost")
        let answer: @Sendable (String) -> (Int, String)? = { action in
            action == "DescribeTaskAttribute"
                ? (200, #"{"RequestId":"r","TaskId":"t-1","TaskAction":"ImportImage","TaskStatus":"Processing"}"#)
                : Self.networkDownForImports(action)
        }
        do {
            _ = try await tracker(answer: answer).retry(jobId: job.id)
            Issue.record("retried while the old task runs")
        } catch let error as ImportError {
            #expect(error.description.contains("task t-1") && error.description.contains("hoist cancel \(job.id)"), "\(error)")
        }
        #expect(try await journal.imports(jobId: job.id).count == 1, "no new token")
        #expect(try await journal.job(id: job.id)?.state == .failed)
        #expect(await wire.calls(of: "ImportImage").isEmpty)
    }

    @Test func anImageOfTheSameNameFromAnotherObjectIsNeverAdopted() async throws {
        let job = try await uploadedJob()
        let answer: @Sendable (String) -> (Int, String)? = { action in
            action == "DescribeImages"
                ? (200, Self.imageJSON("m-other", status: "Available", object: "other/old.raw"))
                : Self.networkDownForImports(action)
        }
        let expected = ImportError.imageNameTaken(
            name: "ubuntu-24.04-v1", imageId: "m-other", status: "Available",
            source: ObjectLocation(bucket: "examplebucket", key: "other/old.raw"), created: "2026-01-15T08:30:05Z",
            wanted: ObjectLocation(bucket: "examplebucket", key: "images/disk.qcow2"),
            reason: "it was imported from oss://examplebucket/other/old.raw, not from this job's object "
                + "oss://examplebucket/images/disk.qcow2")
        await #expect(throws: expected) { try await tracker(answer: answer).checkImageName(Self.request) }
        await #expect(throws: expected, "the adopt step applies the same rule") {
            try await tracker(answer: answer).run(jobId: job.id, request: Self.request)
        }
        #expect(await wire.calls(of: "ImportImage").isEmpty)
        #expect(try await journal.latestImport(jobId: job.id)?.imageId == nil)
        let text = expected.description
        #expect(text.contains("m-other") && text.contains("Available") && text.contains("oss://examplebucket/other/old.raw"))

        // An image ECS reports no OSS source for is not ours either.
        let sourceless: @Sendable (String) -> (Int, String)? = { action in
            action == "DescribeImages"
                ? (200, #"{"RequestId":"r","TotalCount":1,"Images":{"Image":[{"ImageId":"m-snap","ImageName":"ubuntu-24.04-v1","Status":"Available"}]}}"#)
                : Self.networkDownForImports(action)
        }
        await #expect(throws: ImportError.self) { try await tracker(answer: sourceless).checkImageName(Self.request) }
    }
}
