/// Runs jobs on one `HoistRuntime`: each under its host-wide lock, through preflight → the
/// upload (`ResumableUpload`) → the import (`ImportTracker`), reporting one `JobEvent` stream
/// and returning one `JobOutcome`. `hoist upload [--import]`, `hoist import`, `hoist demo` and
/// the agent all run jobs through it; they differ only in how they print.
///
/// The runner keeps no state of its own, so any number of runs may go on at once on one
/// runtime: they share its transport, journal and network health, and the job lock keeps two
/// runs (in this process or any other) out of the same job.
///
/// Errors (thrown, never reported as events): `JobLockError` (held, naming the holder's pid;
/// or cancelled while waiting), `HoistRuntimeError` (credentials, endpoints), `UploadFailure`
/// (the upload phase; `.interrupted` on cancellation), `ImportError` (preflight refusals and
/// the import phase), `JournalError`, and `CancellationError` while an import is followed.
public struct JobRunner: Sendable {
    public let runtime: HoistRuntime

    public init(runtime: HoistRuntime) {
        self.runtime = runtime
    }

    /// Uploads the job's file and, when asked, imports the verified object: rerunning the same
    /// job after any interruption resumes whichever phase was interrupted and never starts a
    /// second import.
    public func run(_ job: UploadJob, onEvent: @escaping @Sendable (JobEvent) -> Void = { _ in })
        async throws -> JobOutcome {
        let client = try runtime.ossClient(runtime.settings.oss())
        let lock = try await takeLock(job.lockKey, options: job.options, onEvent: onEvent)
        defer { lock.release() }
        var tracker: ImportTracker?
        if let request = job.importImage {
            let importer = try self.tracker(region: request.regionId, objectLookup: client, options: job.options,
                                            onEvent: onEvent)
            try await refuseEndedImport(job.lockKey)
            let candidate = try await ResumableUpload.jobToContinue(job.upload, journal: runtime.journal)
            try await importer.checkImageName(request, candidate: candidate, sourceFile: job.upload.sourcePath)
            tracker = importer
        }
        let uploaded = try await upload(job.upload, client: client, lock: job.lockKey, options: job.options,
                                        onEvent: onEvent)
        var outcome = JobOutcome(jobId: uploaded.jobId, upload: uploaded)
        if let tracker, let request = job.importImage {
            // One job ties both phases: the import continues the job the upload verified.
            outcome.imported = try await tracker.run(jobId: uploaded.jobId, request: request,
                                                     wait: job.options.followImport)
        }
        onEvent(.finished(outcome))
        return outcome
    }

    // MARK: - Steps shared by every kind of run

    /// The job's lock: refused at once with the holder, or waited for (one event first).
    func takeLock(_ key: JobLockKey, options: JobRunOptions,
                  onEvent: @escaping @Sendable (JobEvent) -> Void) async throws(JobLockError) -> JobLock {
        try await runtime.lock(key, wait: options.waitForLock) { holder in
            onEvent(.waitingForLock(key, holder: holder))
        }
    }

    /// The upload phase, ending in `.uploaded`, under the job's lock `lock`. Before its first
    /// byte it waits for any earlier import still reading the object (`EarlierImportGate`).
    func upload(_ request: UploadRequest, client: OSSClient, lock: JobLockKey, options: JobRunOptions,
                onEvent: @escaping @Sendable (JobEvent) -> Void) async throws(UploadFailure) -> UploadOutcome {
        let policy = RetryPolicy(giveUpAfter: options.giveUpAfter, health: runtime.health)
        let gate = EarlierImportGate(runner: self, ownLock: lock, options: options, onEvent: onEvent)
        let engine = ResumableUpload(client: client, journal: runtime.journal, policy: policy,
                                     budget: runtime.partBudget, gate: gate, onEvent: { onEvent(.upload($0)) })
        let outcome = try await engine.run(request)
        onEvent(.uploaded(outcome))
        return outcome
    }

    /// A tracker for imports in `region`. The engine verifies the object itself (or finds it
    /// verified), so an upload job's tracker gets no OSS client: no second HeadObject.
    ///
    /// `objectLookup` reads an object's Last-Modified for the provenance of an image without
    /// Hoist's tags, and checks a resumed job's object before its first ImportImage.
    func tracker(region: String, oss: OSSClient? = nil, objectLookup: OSSClient? = nil, options: JobRunOptions,
                 onEvent: @escaping @Sendable (JobEvent) -> Void) throws(HoistRuntimeError) -> ImportTracker {
        ImportTracker(journal: runtime.journal, ecs: try runtime.ecsClient(region: region), oss: oss,
                      objectLookup: objectLookup, settings: options.importSettings, onEvent: { onEvent(.import($0)) })
    }
}
