extension ImportTracker {
    /// The second exactly-once guard, run before ImportImage is sent under a token: an image of
    /// the same name that is being imported or is available is adopted (journaled as this
    /// attempt's image) instead of importing again. This catches the case the token cannot,
    /// such as an import started by a run whose journal was lost. A failed image of the same
    /// name is not adopted: adopting it would make the failure permanent, and `hoist retry`
    /// would fail on it for ever.
    func adoptExistingImage(_ attempt: ImportRecord) async throws -> ImportRecord? {
        guard !attempt.imageName.isEmpty else { return nil }
        let matches = try await images(named: attempt.imageName, region: attempt.region)
        for failed in matches where failed.imageStatus?.isFailure == true {
            emit(.warning("an earlier image \(failed.imageId) named \(attempt.imageName) is \(failed.status); not adopting it"))
        }
        // Images of this job's earlier attempts that failed or were cancelled are history: a
        // cancelled import can stay listed as Creating for a while, and must not be taken back.
        let ended = Set(try await journal.imports(jobId: attempt.jobId)
            .filter { $0.clientToken != attempt.clientToken && $0.attemptState != .available }
            .compactMap(\.imageId))
        guard let image = matches.first(where: { image in
            !ended.contains(image.imageId) && (image.imageStatus.map { !$0.isFailure } ?? false)
        }) else { return nil }
        var record = attempt
        record.imageId = image.imageId
        record.taskId = try await importTaskId(imageId: image.imageId, region: attempt.region)
        record.state = ImportAttemptState(image.imageStatus ?? .creating).rawValue
        record.progress = image.imageStatus == .available ? 100 : (image.progressPercent ?? 0)
        record = try await journal.recordImport(record)
        emit(.adopted(jobId: record.jobId, imageId: image.imageId, taskId: record.taskId, status: image.status))
        return record
    }

    /// The account's images with exactly this name, in any import-related status. The name
    /// filter is sent to ECS, and matched exactly here, in case ECS matches more loosely.
    func images(named name: String, region: String) async throws -> [ECSImage] {
        let query = DescribeImagesQuery(regionId: region, imageName: name, imageOwnerAlias: "self", pageSize: 100)
        let answer = try await retrying("DescribeImages") { try await ecs.describeImages(query) }
        return answer.images.filter { $0.imageName == name }
    }

    /// The ImportImage task that creates `imageId`, found by listing import tasks (DescribeTasks
    /// cannot filter by resource). Nil when it is not found within a few pages: following the
    /// image alone still works, only the progress and failure reason are poorer.
    func importTaskId(imageId: String, region: String, pages: Int = 5) async throws -> String? {
        for page in 1...pages {
            let query = DescribeTasksQuery(regionId: region, pageNumber: page, pageSize: 100)
            let answer: DescribeTasksResponse
            do {
                answer = try await retrying("DescribeTasks") { try await ecs.describeTasks(query) }
            } catch let error as ECSError {
                emit(.warning("cannot list import tasks to find the one of \(imageId): \(error.operatorMessage)"))
                return nil
            }
            let candidates = answer.tasks.filter { $0.resourceId == imageId }
            if let task = candidates.first(where: { !$0.taskStatus.isTerminal }) ?? candidates.first { return task.taskId }
            if answer.tasks.count < 100 || page * 100 >= answer.totalCount { break }
        }
        return nil
    }
}
