extension ImportTracker {
    /// The images that hold one name, split by whether they were imported from this job's object.
    struct NameHolders: Sendable {
        /// Imported from this job's object (`ImportOSSBucket` / `ImportOSSObject`): adoptable.
        var ours: [ECSImage] = []
        /// Anything else: imported from another object, or with no OSS source ECS reports.
        var foreign: [ECSImage] = []
    }

    /// The preflight of `hoist upload --import` and `hoist import`: one DescribeImages, before
    /// the first byte is uploaded or the first token committed. Throws `imageNameTaken` when
    /// an image not imported from the request's object holds its name, since such an image is
    /// never adopted and ImportImage would only be refused for the name.
    public func checkImageName(_ request: ImportImageRequest) async throws {
        try await translatingErrors {
            guard let name = request.imageName, !name.isEmpty, let object = Self.object(of: request) else { return }
            let holders = try await holders(of: name, region: request.regionId, object: object)
            if let foreign = holders.foreign.first { throw Self.nameTaken(name, by: foreign, wanted: object) }
        }
    }

    /// The second exactly-once guard, run before ImportImage is sent under a token: an image of
    /// the same name, imported from this job's object, that is being imported or is available
    /// is adopted (journaled as this attempt's image) instead of importing again. This catches
    /// the case the token cannot, such as an import started by a run whose journal was lost.
    ///
    /// An image of that name imported from anything else is never adopted, however late it
    /// turns up: the attempt stops with `imageNameTaken` before ImportImage, and a rerun after
    /// the name is freed continues it. A failed image of our own is not adopted either:
    /// adopting it would make the failure permanent, and `hoist retry` would fail on it for ever.
    func adoptExistingImage(_ attempt: ImportRecord) async throws -> ImportRecord? {
        let request = try ImportRequestCoding.request(from: attempt)
        guard !attempt.imageName.isEmpty, let object = Self.object(of: request) else { return nil }
        let holders = try await holders(of: attempt.imageName, region: attempt.region, object: object)
        if let foreign = holders.foreign.first { throw Self.nameTaken(attempt.imageName, by: foreign, wanted: object) }
        for failed in holders.ours where failed.imageStatus?.isFailure == true {
            emit(.warning("an earlier image \(failed.imageId) named \(attempt.imageName) is \(failed.status); not adopting it"))
        }
        let ended = try await endedImageIds(of: attempt)
        guard let image = holders.ours.first(where: { image in
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

    /// Images of this job's other attempts that failed or were cancelled: history. A cancelled
    /// import can stay listed as Creating for a while, and must not be taken back.
    func endedImageIds(of attempt: ImportRecord) async throws -> Set<String> {
        Set(try await journal.imports(jobId: attempt.jobId)
            .filter { $0.clientToken != attempt.clientToken && $0.attemptState != .available }
            .compactMap(\.imageId))
    }

    /// The account's images with exactly this name, in any import-related status, split by
    /// source. The name filter is sent to ECS, and matched exactly here, in case ECS matches
    /// more loosely.
    func holders(of name: String, region: String, object: ObjectLocation) async throws -> NameHolders {
        let query = DescribeImagesQuery(regionId: region, imageName: name, imageOwnerAlias: "self", pageSize: 100)
        let answer = try await retrying("DescribeImages") { try await ecs.describeImages(query) }
        var holders = NameHolders()
        for image in answer.images where image.imageName == name {
            if image.importSource == object { holders.ours.append(image) } else { holders.foreign.append(image) }
        }
        return holders
    }

    /// The object an import reads its system disk from.
    static func object(of request: ImportImageRequest) -> ObjectLocation? {
        request.diskDeviceMappings.first.map { ObjectLocation(bucket: $0.ossBucket, key: $0.ossObject) }
    }

    static func nameTaken(_ name: String, by image: ECSImage, wanted: ObjectLocation) -> ImportError {
        .imageNameTaken(name: name, imageId: image.imageId, status: image.status, source: image.importSource, wanted: wanted)
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
