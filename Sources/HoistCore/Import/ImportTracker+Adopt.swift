import Foundation

extension ImportTracker {
    /// The preflight of `hoist upload --import` and `hoist import`: one DescribeImages, before
    /// the first byte is uploaded or the first token committed. Throws `imageNameTaken` when
    /// an image holds the name that could not be shown to be this build's once it is uploaded,
    /// since such an image is never adopted and ImportImage would only be refused for the name.
    ///
    /// `candidate` is the journaled job this run continues (nil: a new job, whose id no image
    /// can carry yet). A name whose placeholders need what only the new job will know (`{job}`,
    /// or `{crc}` before the upload) is checked before ImportImage instead.
    public func checkImageName(_ request: ImportImageRequest, candidate: JobRecord? = nil,
                               sourceFile: String? = nil) async throws {
        try await translatingErrors {
            guard let given = request.imageName, !given.isEmpty, let requested = Self.object(of: request) else { return }
            let context = candidate.map(NameTemplate.Context.init(job:))
                ?? NameTemplate.Context(fileName: NameTemplate.fileName(of: sourceFile ?? requested.key), jobId: nil,
                                        created: Date())
            let name: String
            switch try Self.expandedName(given, context: context) {
            case .literal(let n), .expanded(let n): name = n
            case .needs: return
            }
            let object = candidate.map { ObjectLocation(bucket: $0.bucket, key: $0.key) } ?? requested
            let holders = try await images(named: name, region: request.regionId)
            guard !holders.isEmpty else { return }
            // A new job writes a new version of the object: no untagged image can predate it.
            let build = try await build(jobId: candidate?.id ?? "", crc64: candidate?.objectCRC64, object: object,
                                        lookUpWritten: candidate?.objectCRC64 != nil, holders: holders)
            for image in holders {
                if case .notOurs(let reason) = ImageProvenance.judge(image, build: build, margin: settings.provenanceMargin) {
                    throw Self.nameTaken(name, by: image, wanted: object, reason: reason)
                }
            }
        }
    }

    /// The second exactly-once guard, run before ImportImage is sent under a token: an image of
    /// the attempt's name that is provably this build's (`ImageProvenance`: Hoist's tags name
    /// this job and its CRC-64, or it was imported from this object after its current version
    /// was written) and is being imported or is available is adopted (journaled as this
    /// attempt's image, with the proof) instead of importing again. This catches the case the
    /// token cannot, such as an import whose answer was lost with the journal's last write.
    ///
    /// Any other holder of the name is never adopted, however late it turns up: the attempt
    /// stops with `imageNameTaken` before ImportImage, and a rerun after the name is freed
    /// continues it. A failed image of our own is not adopted either: adopting it would make
    /// the failure permanent, and `hoist retry` would fail on it for ever.
    func adoptExistingImage(_ attempt: ImportRecord) async throws -> ImportRecord? {
        let request = try ImportRequestCoding.request(from: attempt)
        guard !attempt.imageName.isEmpty, let object = Self.object(of: request) else { return nil }
        let job = try await requireJob(attempt.jobId)
        let holders = try await images(named: attempt.imageName, region: attempt.region)
        guard !holders.isEmpty else { return nil }
        let build = try await build(jobId: job.id, crc64: job.objectCRC64, object: object, lookUpWritten: true,
                                    holders: holders)
        var ours: [(image: ECSImage, proof: String)] = []
        for image in holders {
            switch ImageProvenance.judge(image, build: build, margin: settings.provenanceMargin) {
            case .notOurs(let reason): throw Self.nameTaken(attempt.imageName, by: image, wanted: object, reason: reason)
            case .ours(let proof): ours.append((image, proof))
            }
        }
        for failed in ours where failed.image.imageStatus?.isFailure == true {
            emit(.warning("an earlier image \(failed.image.imageId) named \(attempt.imageName) is \(failed.image.status); not adopting it"))
        }
        let ended = try await endedImageIds(of: attempt)
        guard let (image, proof) = ours.first(where: { image, _ in
            !ended.contains(image.imageId) && (image.imageStatus.map { !$0.isFailure } ?? false)
        }) else { return nil }
        var record = attempt
        record.imageId = image.imageId
        record.taskId = try await importTaskId(imageId: image.imageId, region: attempt.region)
        record.state = ImportAttemptState(image.imageStatus ?? .creating).rawValue
        record.progress = image.imageStatus == .available ? 100 : (image.progressPercent ?? 0)
        record.provenance = "adopted: " + proof
        record = try await journal.recordImport(record)
        emit(.adopted(jobId: record.jobId, imageId: image.imageId, taskId: record.taskId, status: image.status, proof: proof))
        return record
    }

    /// The provenance of an image this attempt imported itself.
    static func importedProvenance(_ request: ImportImageRequest) -> String {
        let tags = request.tags.filter { $0.key.hasPrefix(ImageProvenance.reservedPrefix) }
            .map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
        return "imported by this job under ClientToken \(request.clientToken ?? "?")" + (tags.isEmpty ? "" : ", tagged \(tags)")
    }

    /// The build to judge holders against. The object's Last-Modified is read (one HeadObject)
    /// only when it can matter: an untagged holder from this very object, and `lookUpWritten`
    /// (false when this run is about to write a new version).
    func build(jobId: String, crc64: UInt64?, object: ObjectLocation, lookUpWritten: Bool,
               holders: [ECSImage]) async throws -> ImageProvenance.Build {
        var build = ImageProvenance.Build(jobId: jobId, crc64: crc64, object: object)
        let needsTime = holders.contains { !ImageProvenance.isTagged($0) && $0.importSource == object }
        if lookUpWritten, needsTime, let objectLookup {
            do {
                build.objectWrittenAt = try await objectLookup.headObject(bucket: object.bucket, key: object.key).lastModified
            } catch {
                emit(.warning("cannot read the Last-Modified of \(object) to judge an image without Hoist's tags: "
                              + RetryPolicy.describe(error)))
            }
        }
        return build
    }

    /// Images of this job's other attempts that failed or were cancelled: history. A cancelled
    /// import can stay listed as Creating for a while, and must not be taken back.
    func endedImageIds(of attempt: ImportRecord) async throws -> Set<String> {
        Set(try await journal.imports(jobId: attempt.jobId)
            .filter { $0.clientToken != attempt.clientToken && $0.attemptState != .available }
            .compactMap(\.imageId))
    }

    /// The account's images with exactly this name, in any import-related status. The name
    /// filter is sent to ECS, and matched exactly here, in case ECS matches more loosely.
    func images(named name: String, region: String) async throws -> [ECSImage] {
        let query = DescribeImagesQuery(regionId: region, imageName: name, imageOwnerAlias: "self", pageSize: 100)
        let answer = try await retrying("DescribeImages") { try await ecs.describeImages(query) }
        return answer.images.filter { $0.imageName == name }
    }

    /// The object an import reads its system disk from.
    static func object(of request: ImportImageRequest) -> ObjectLocation? {
        request.diskDeviceMappings.first.map { ObjectLocation(bucket: $0.ossBucket, key: $0.ossObject) }
    }

    static func nameTaken(_ name: String, by image: ECSImage, wanted: ObjectLocation, reason: String) -> ImportError {
        .imageNameTaken(name: name, imageId: image.imageId, status: image.status, source: image.importSource,
                        created: image.creationTime, wanted: wanted, reason: reason)
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
