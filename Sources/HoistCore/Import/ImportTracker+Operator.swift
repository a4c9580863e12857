extension ImportTracker {
    /// `hoist cancel`: cancels the job's import task in ECS (CancelTask) and marks the job
    /// cancelled. If the task had already ended, the job takes the state it actually ended in
    /// and that outcome is returned. A job that is not importing is simply marked cancelled;
    /// stopping a running upload is the upload engine's business.
    public func cancel(jobId: String) async throws -> ImportOutcome {
        try await translatingErrors {
            let job = try await requireJob(jobId)
            let latest = try await journal.latestImport(jobId: jobId)
            switch job.state {
            case .available:
                throw ImportError.wrongState(jobId: jobId, state: job.state,
                                             hint: "the image exists already; delete it with ECS DeleteImage if it is not wanted")
            case .cancelled:
                return .cancelled(latest)
            case .failed:
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
        // A token with no ids yet may still have reached ECS: look for its image by name.
        if record.imageId == nil, let image = try await images(named: record.imageName, region: record.region)
            .first(where: { $0.imageStatus.map { !$0.isTerminal } ?? false }) {
            record.imageId = image.imageId
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
            let region = record.region
            _ = try await retrying("CancelTask") { try await ecs.cancelTask(taskId: taskId, regionId: region) }
        } catch let error as ECSError where error.code == "InvalidTaskId.IncorrectTaskStatus" {
            // The task already ended; the job ends the way it actually did.
            var missing = 0
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
            var request = try ImportRequestCoding.request(from: latest)
            request.clientToken = nil
            try await journal.updateState(jobId: jobId, to: .pending)
            try await markUploaded(jobId: jobId)
            return try await start(jobId: jobId, request: request, newToken: true, wait: wait)
        }
    }

    /// Moves a job whose object is already in OSS (an import-only job, or a retried one) to
    /// `uploaded`, through `verifying`, where the object's existence is checked when an OSS
    /// client was given. Jobs already uploaded or further along are left alone.
    public func markUploaded(jobId: String, expectedSize: Int64? = nil) async throws {
        try await translatingErrors {
            let job = try await requireJob(jobId)
            guard job.state == .pending || job.state == .verifying else { return }
            // Checked while still pending: a typo in the key must not leave the job in a state
            // it cannot move back from.
            if let oss {
                let object = ObjectLocation(bucket: job.bucket, key: job.key)
                let info: OSSObjectInfo
                do {
                    info = try await oss.headObject(bucket: job.bucket, key: job.key)
                } catch let error as OSSError {
                    throw ImportError.objectUnavailable(object, reason: "\(error.code): \(error.message)")
                }
                if let expectedSize, info.size != expectedSize {
                    throw ImportError.objectUnavailable(
                        object, reason: "it has \(info.size) bytes but the source file has \(expectedSize); upload the file again")
                }
            }
            try await journal.updateState(jobId: jobId, to: .verifying)
            try await journal.updateState(jobId: jobId, to: .uploaded)
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
