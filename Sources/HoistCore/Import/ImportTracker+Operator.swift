extension ImportTracker {
    /// `hoist cancel`: cancels the job's import task in ECS (CancelTask) and marks the job
    /// cancelled. If the task had already ended, the job takes the state it actually ended in
    /// and that outcome is returned. A job that is not importing is simply marked cancelled;
    /// stopping a running upload is the upload engine's business.
    ///
    /// A job that is already failed or cancelled in the journal but whose last import task
    /// still runs in ECS (a lost import that was not lost after all) has that task cancelled;
    /// the job keeps its state.
    public func cancel(jobId: String) async throws -> ImportOutcome {
        try await translatingErrors {
            let job = try await requireJob(jobId)
            let latest = try await journal.latestImport(jobId: jobId)
            switch job.state {
            case .available:
                throw ImportError.wrongState(jobId: jobId, state: job.state,
                                             hint: "the image exists already; delete it with ECS DeleteImage if it is not wanted")
            case .cancelled, .failed:
                if let latest, let running = try await runningTask(of: latest) {
                    guard let taskId = running.taskId else {
                        throw ImportError.wrongState(
                            jobId: jobId, state: job.state,
                            hint: "its \(running.label) is still \(running.status) in ECS but its import task cannot be found; "
                                + "cancel it in the ECS console")
                    }
                    try await cancelTask(taskId, region: latest.region)
                    emit(.warning("the job was \(job.state) but its import (\(running.label)) was still \(running.status) "
                                  + "in ECS; it is cancelled now"))
                    return .cancelled(latest)
                }
                if job.state == .cancelled { return .cancelled(latest) }
                throw ImportError.wrongState(jobId: jobId, state: job.state, hint: "there is nothing left to cancel")
            case .pending, .uploading, .verifying, .uploaded, .importing:
                guard let latest, !latest.attemptState.isFinal else {
                    try await moveJob(jobId, to: .cancelled, error: "cancelled by operator")
                    emit(.cancelled(jobId: jobId))
                    return .cancelled(latest)
                }
                return try await cancelAttempt(latest)
            }
        }
    }

    func cancelAttempt(_ attempt: ImportRecord) async throws -> ImportOutcome {
        var record = attempt
        if record.imageId == nil {
            // The token is committed but no ids are: ImportImage may have reached ECS. Only when
            // ECS positively holds nothing from it is the attempt closed without CancelTask;
            // closing it (a final state in the journal) means its token is never sent again.
            switch try await submittedTrace(of: record) {
            case .nothing:
                return try await finish(record, as: .cancelled, reason: "cancelled by operator before ECS started an import")
            case .found(let imageId, let taskId):
                record.imageId = imageId
                record.taskId = taskId ?? record.taskId
                record = try await journal.recordImport(record)
            }
        }
        if record.taskId == nil, let imageId = record.imageId {
            record.taskId = try await importTaskId(imageId: imageId, region: record.region)
        }
        guard let taskId = record.taskId else {
            if let imageId = record.imageId {
                emit(.warning("no import task found for image \(imageId); only the job is marked cancelled"))
            }
            return try await finish(record, as: .cancelled, reason: "cancelled by operator")
        }
        do {
            try await cancelTask(taskId, region: record.region)
        } catch let error as ECSError where error.code == "InvalidTaskId.IncorrectTaskStatus" {
            // The task already ended; the job ends the way it actually did.
            var missing = MissingStreak()
            switch try await observe(record, missing: &missing) {
            case .available: return try await finish(record, as: .available, reason: nil)
            case .failed(let reason): return try await finish(record, as: .failed, reason: reason)
            case .cancelled, .running: break
            }
        } catch let error as ECSError where error.code == "InvalidTaskId.NotFound" {
            emit(.warning("ECS no longer knows task \(taskId); only the job is marked cancelled"))
        }
        return try await finish(record, as: .cancelled, reason: "cancelled by operator")
    }

    func cancelTask(_ taskId: String, region: String) async throws {
        _ = try await retrying("CancelTask") { try await ecs.cancelTask(taskId: taskId, regionId: region) }
    }

    /// `hoist retry`: imports a failed or cancelled job again with a NEW ClientToken and the
    /// parameters of its last attempt. This is the only path that makes a second token for a
    /// job, because it is the only one where a second import is what someone asked for.
    public func retry(jobId: String, wait: Bool = true) async throws -> ImportOutcome {
        try await translatingErrors {
            let job = try await requireJob(jobId)
            guard job.state == .failed || job.state == .cancelled else {
                throw ImportError.wrongState(jobId: jobId, state: job.state, hint: "only a failed or cancelled job can be retried")
            }
            guard let latest = try await journal.latestImport(jobId: jobId) else {
                throw ImportError.wrongState(jobId: jobId, state: job.state,
                                             hint: "it stopped before its import; run the upload again to resume it")
            }
            // A second import while the first still runs would be two imports of one job.
            if let running = try await runningTask(of: latest) {
                throw ImportError.wrongState(
                    jobId: jobId, state: job.state,
                    hint: "its last import (\(running.label)) is still \(running.status) in ECS; `hoist cancel \(jobId)` "
                        + "it first, or wait for it to end, then retry")
            }
            var request = try ImportRequestCoding.request(from: latest)
            request.clientToken = nil
            try await journal.updateState(jobId: jobId, to: .pending)
            try await markUploaded(jobId: jobId)
            return try await start(jobId: jobId, request: request, newToken: true, wait: wait)
        }
    }

    /// Public entry points throw `ImportError` for ECS refusals, so callers handle one type.
    func translatingErrors<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as ECSError {
            throw ImportError.refused(error)
        } catch let violation as ImportImageViolation {
            throw ImportError.invalidParameters(violation)
        }
    }
}
