import Foundation

/// What ECS holds of one attempt, for the operator actions: `hoist cancel` must find the import
/// an attempt may have started before its ids were journaled, and `hoist retry` must not start
/// a second import while the first still runs.
extension ImportTracker {
    /// The trace an attempt without journaled ids left in ECS.
    enum SubmittedTrace: Equatable {
        /// ECS positively holds nothing from it: no image of its name imported from its object,
        /// and no running import task reading its object since the token was committed.
        case nothing
        case found(imageId: String?, taskId: String?)
    }

    /// An import of an attempt that ECS is still running.
    struct RunningImport: Equatable {
        var taskId: String?
        var imageId: String?
        /// ECS's status: the task's (`Processing`, …) or the image's (`Creating`, `Waiting`).
        var status: String

        var label: String { taskId.map { "task \($0)" } ?? "image \(imageId ?? "?")" }
    }

    /// Looks for what an attempt whose ids were never journaled made in ECS: first by name
    /// (an image Hoist's tags say this job imported, or an untagged one from the attempt's object), then, for an
    /// image not listed yet, among the running import tasks that read that object and started
    /// after the token was committed. Two or more such tasks cannot be told apart: that is
    /// refused rather than guessed.
    func submittedTrace(of attempt: ImportRecord) async throws -> SubmittedTrace {
        let request = try ImportRequestCoding.request(from: attempt)
        guard let object = Self.object(of: request) else { return .nothing }
        let ended = try await endedImageIds(of: attempt)
        if !attempt.imageName.isEmpty {
            // Hoist's tags name the job that imported an image; an untagged one (an attempt of an
            // older Hoist) is known only by its object.
            let ours = try await images(named: attempt.imageName, region: attempt.region).filter { image in
                guard !ended.contains(image.imageId) else { return false }
                if ImageProvenance.isTagged(image) {
                    return image.tags.contains { $0.key == ImageProvenance.jobTag && $0.value == attempt.jobId }
                }
                return image.importSource == object
            }
            if let image = ours.first(where: { !($0.imageStatus?.isTerminal ?? false) }) ?? ours.first {
                return .found(imageId: image.imageId, taskId: nil)
            }
        }
        let tasks = try await runningImportTasks(reading: object, since: attempt.createdAt, region: attempt.region,
                                                 excluding: ended, jobId: attempt.jobId)
        switch tasks.count {
        case 0:
            return .nothing
        case 1:
            return .found(imageId: tasks[0].resourceId, taskId: tasks[0].taskId)
        default:
            throw ImportError.wrongState(
                jobId: attempt.jobId, state: .importing,
                hint: "several running import tasks read \(object) (\(tasks.map(\.taskId).joined(separator: ", "))) and "
                    + "Hoist cannot tell which one is this job's; cancel the right one with ECS CancelTask, then run "
                    + "`hoist cancel \(attempt.jobId)` again")
        }
    }

    /// Running ImportImage tasks whose object is `object` and that were created at or after
    /// `since` (task times have minute precision, so a minute of slack).
    func runningImportTasks(reading object: ObjectLocation, since: Date, region: String, excluding images: Set<String>,
                            jobId: String, pages: Int = 10) async throws -> [ECSTask] {
        var found: [ECSTask] = []
        for page in 1...pages {
            let query = DescribeTasksQuery(regionId: region, taskStatus: ECSTaskStatus.processing.rawValue,
                                           pageNumber: page, pageSize: 100)
            let answer = try await retrying("DescribeTasks") { try await ecs.describeTasks(query) }
            for task in answer.tasks {
                if let image = task.resourceId, images.contains(image) { continue }
                if let created = task.creationTime.flatMap(ECSTimestamp.parse), created < since.addingTimeInterval(-60) { continue }
                let detail = try await retrying("DescribeTaskAttribute") {
                    try await ecs.describeTaskAttribute(taskId: task.taskId, regionId: region)
                }
                if detail.importSource == object { found.append(task) }
            }
            if answer.tasks.count < 100 || page * 100 >= answer.totalCount { return found }
        }
        throw ImportError.wrongState(
            jobId: jobId, state: .importing,
            hint: "more than \(pages * 100) import tasks are running, too many to search for this job's; "
                + "find it in the ECS console and cancel it there")
    }

    /// The attempt's import if ECS still runs it: its task is still processing, or (with no
    /// task known) its image is still being created. Nil when it ended or ECS no longer knows it.
    func runningTask(of attempt: ImportRecord) async throws -> RunningImport? {
        if attempt.taskId != nil {
            guard let answer = try await taskAttribute(attempt) else { return nil }
            switch answer.task.taskStatus {
            case .finished, .failed: return nil
            case .other(let status) where status.lowercased().hasPrefix("cancel"): return nil
            case let status: return RunningImport(taskId: answer.task.taskId, imageId: attempt.imageId, status: status.rawValue)
            }
        }
        guard let imageId = attempt.imageId else { return nil }
        let query = DescribeImagesQuery(regionId: attempt.region, imageIds: [imageId])
        let answer = try await retrying("DescribeImages") { try await ecs.describeImages(query) }
        guard let image = answer.images.first(where: { $0.imageId == imageId }),
              let status = image.imageStatus, !status.isTerminal else { return nil }
        let taskId = try await importTaskId(imageId: imageId, region: attempt.region)
        return RunningImport(taskId: taskId, imageId: imageId, status: image.status)
    }
}
