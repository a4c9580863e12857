extension JobRunner {
    /// Imports an object that is already in OSS (`hoist import`): finds or creates its job,
    /// takes the job's lock (the same one an upload of that file and object takes), marks it
    /// uploaded once the object is checked, checks the image name, and imports it exactly once.
    public func run(_ job: ObjectImportJob, onEvent: @escaping @Sendable (JobEvent) -> Void = { _ in })
        async throws -> JobOutcome {
        let request = job.importImage
        let region = request.regionId
        _ = try await runtime.credentials()
        let oss = try runtime.settings.oss(region: region)
        let tracker = try self.tracker(region: region, oss: job.checkObject ? try runtime.ossClient(oss) : nil,
                                       options: job.options, onEvent: onEvent)
        let source = try job.sourcePath.map(Self.identity)
        let (record, _) = try await ImportJobLocator(journal: runtime.journal).job(
            object: job.object, sourcePath: job.sourcePath, source: source, imageName: request.imageName ?? "",
            endpoint: oss.endpoint.url(bucket: nil, key: nil))
        let lock = try await takeLock(JobLockKey(job: record), options: job.options, onEvent: onEvent)
        defer { lock.release() }
        try await tracker.markUploaded(jobId: record.id, sourceFile: job.sourcePath, expectedSize: source?.size)
        // The object stays as it is (nothing is uploaded), so its current version is the one judged.
        try await tracker.checkImageName(request, candidate: try await runtime.journal.job(id: record.id),
                                         sourceFile: job.sourcePath)
        let imported = try await tracker.run(jobId: record.id, request: request, wait: job.options.followImport)
        let outcome = JobOutcome(jobId: record.id, imported: imported)
        onEvent(.finished(outcome))
        return outcome
    }

    static func identity(_ path: String) throws(ImportError) -> SourceIdentity {
        do { return try SourceIdentity(path: path) } catch { throw .usage(String(describing: error)) }
    }
}
