extension JobRunner {
    /// Continues a journaled job from the state it was left in (the agent after a restart):
    ///
    /// - `pending`, `uploading`, `verifying`: the upload resumes (the parts already safe are
    ///   not sent again), then `importImage`, if given, is imported;
    /// - `uploaded`: `importImage`, if given, is imported; otherwise there is nothing to do;
    /// - `importing`, `available`: the journaled import attempt is followed (its ClientToken
    ///   and parameters are the journal's; `importImage` is not needed);
    /// - `failed`, `cancelled`: refused: an ended import is redone only by `hoist retry`, and a
    ///   failed upload by running its job again (`run(_:)`), a deliberate act.
    public func resume(jobId: String, importImage: ImportImageRequest? = nil, options: JobRunOptions = JobRunOptions(),
                       onEvent: @escaping @Sendable (JobEvent) -> Void = { _ in }) async throws -> JobOutcome {
        let journal = runtime.journal
        guard let found = try await journal.job(id: jobId) else { throw ImportError.jobNotFound(jobId) }
        let lock = try await takeLock(JobLockKey(job: found), options: options, onEvent: onEvent)
        defer { lock.release() }
        // Read again under the lock: the run that held it may have moved the job on.
        guard let job = try await journal.job(id: jobId) else { throw ImportError.jobNotFound(jobId) }
        var outcome = JobOutcome(jobId: jobId)
        switch job.state {
        case .failed, .cancelled:
            throw ImportError.wrongState(jobId: jobId, state: job.state,
                                         hint: "a job that ended is not resumed; `hoist retry \(jobId)` imports it again")
        case .importing, .available:
            let region = try await journal.latestImport(jobId: jobId)?.region
                ?? importImage?.regionId ?? runtime.settings.defaultRegion ?? ""
            let tracker = try tracker(region: region, objectLookup: try objectClient(for: job), options: options,
                                      onEvent: onEvent)
            try await tracker.confirmObjectUnchanged(jobId: jobId)
            outcome.imported = try await tracker.resume(jobId: jobId, wait: options.followImport)
        case .pending, .uploading, .verifying, .uploaded:
            let client = try objectClient(for: job)
            if job.state != .uploaded {
                // The key as it was given (its template): the engine finds this job by it.
                let request = UploadRequest(
                    sourcePath: job.sourcePath, location: ObjectLocation(bucket: job.bucket, key: job.keyTemplate ?? job.key),
                    partSize: job.partSize, parallel: runtime.settings.parallel,
                    endpoint: job.endpoint)
                outcome.upload = try await upload(request, client: client, lock: JobLockKey(job: job), options: options,
                                                  onEvent: onEvent)
            }
            if let importImage {
                let tracker = try tracker(region: importImage.regionId, objectLookup: client, options: options,
                                          onEvent: onEvent)
                if outcome.upload == nil { try await tracker.confirmObjectUnchanged(jobId: jobId) }
                outcome.imported = try await tracker.run(jobId: jobId, request: importImage, wait: options.followImport)
            }
        }
        onEvent(.finished(outcome))
        return outcome
    }

    /// An OSS client for the job's endpoint.
    func objectClient(for job: JobRecord) throws -> OSSClient {
        try runtime.ossClient(try runtime.settings.oss(fallbackEndpoint: job.endpoint))
    }
}
