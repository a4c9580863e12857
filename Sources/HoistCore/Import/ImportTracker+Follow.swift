extension ImportTracker {
    /// What one poll learnt about an attempt.
    enum Observation: Equatable {
        case running(ImportAttemptState, percent: Int?)
        case available
        case failed(String)
        case cancelled
    }

    /// Polls in a row that found neither the image nor its task, and when the streak began.
    struct MissingStreak {
        var polls = 0
        var since: Duration?
    }

    /// Polls the attempt until it ends, journaling each change of status or progress, so
    /// `hoist status` and a restarted run both see where it is. Throws `timedOut` (the job
    /// stays `importing`) when the configured timeout expires first.
    func follow(_ attempt: ImportRecord) async throws -> ImportOutcome {
        var record = attempt
        let started = elapsed()
        var polls = 0
        var missing = MissingStreak()
        var reported: Observation?
        while true {
            if let job = try await journal.job(id: record.jobId), job.state == .cancelled || job.state == .failed {
                // Another process (an operator's `hoist cancel`) ended the job while this run polled.
                let latest = try await journal.importRecord(clientToken: record.clientToken) ?? record
                return job.state == .cancelled ? .cancelled(latest) : .failed(latest, reason: job.error ?? "failed")
            }
            let observation = try await observe(record, missing: &missing)
            switch observation {
            case .available:
                return try await finish(record, as: .available, reason: nil)
            case .failed(let reason):
                return try await finish(record, as: .failed, reason: reason)
            case .cancelled:
                return try await finish(record, as: .cancelled, reason: "the import task was cancelled")
            case .running(let state, let percent):
                if observation != reported {
                    reported = observation
                    record.state = state.rawValue
                    if let percent { record.progress = percent }
                    record = try await journal.recordImport(record)
                    emit(.progress(jobId: record.jobId, status: state.rawValue, percent: percent))
                }
            }
            var delay = settings.poll.delay(afterPoll: polls)
            polls += 1
            if let timeout = settings.timeout {
                let spent = elapsed() - started
                if spent >= timeout { throw ImportError.timedOut(jobId: record.jobId, seconds: spent.seconds) }
                delay = min(delay, timeout - spent)
            }
            try await sleep(delay)
        }
    }

    /// One poll: DescribeImages with the explicit status list (the default hides `Creating`),
    /// then the task when the image does not tell enough (no progress, a failure to explain,
    /// or no image at all).
    func observe(_ record: ImportRecord, missing: inout MissingStreak) async throws -> Observation {
        guard let imageId = record.imageId else { return .running(record.attemptState, percent: nil) }
        let query = DescribeImagesQuery(regionId: record.region, imageIds: [imageId])
        let answer = try await retrying("DescribeImages") { try await ecs.describeImages(query) }
        if let image = answer.images.first(where: { $0.imageId == imageId }) {
            missing = MissingStreak()
            switch image.imageStatus {
            case .available?, .deprecated?:
                return .available
            case .createFailed?, .unAvailable?:
                let detail = try await taskAttribute(record)?.failureReason
                return .failed("ECS reports image \(imageId) as \(image.status)" + (detail.map { ": \($0)" } ?? ""))
            case .creating?, .waiting?, nil:
                var percent = image.progressPercent
                if percent == nil { percent = try await taskAttribute(record)?.progressPercent }
                return .running(ImportAttemptState(image.imageStatus ?? .creating), percent: percent)
            }
        }
        // Not listed: not visible yet, cancelled, or failed and removed. The task knows which.
        if let task = try await taskAttribute(record) {
            missing = MissingStreak()
            switch task.task.taskStatus {
            case .failed:
                return .failed(task.failureReason.map { "the import task failed: \($0)" } ?? "the import task \(task.task.taskId) failed")
            case .finished:
                return .failed("the import task finished but image \(imageId) no longer exists (was it deleted?)")
            case .processing:
                return .running(.creating, percent: task.progressPercent)
            case .other(let status):
                if status.lowercased().hasPrefix("cancel") { return .cancelled }
                return .running(.creating, percent: task.progressPercent)
            }
        }
        // Neither is visible. Right after ImportImage that is ECS's eventual consistency, not a
        // loss: only a long streak of such polls, backing off, counts as evidence.
        let now = elapsed()
        if missing.since == nil { missing.since = now }
        missing.polls += 1
        if missing.polls >= settings.missingImageLimit {
            let minutes = Int(((now - (missing.since ?? now)).seconds / 60).rounded())
            let task = record.taskId.map { "its task \($0) is unknown to DescribeTaskAttribute" } ?? "its task is not known"
            return .failed("image \(imageId) was not listed by DescribeImages in any import status and \(task), "
                           + "on \(missing.polls) polls in a row over about \(minutes) min; the import is taken as lost "
                           + "(check the ECS console; `hoist retry \(record.jobId)` imports again)")
        }
        return .running(record.attemptState, percent: nil)
    }

    /// DescribeTaskAttribute for the attempt's task; nil without a task id or when ECS no
    /// longer knows the task.
    func taskAttribute(_ record: ImportRecord) async throws -> DescribeTaskAttributeResponse? {
        guard let taskId = record.taskId else { return nil }
        do {
            return try await retrying("DescribeTaskAttribute") {
                try await ecs.describeTaskAttribute(taskId: taskId, regionId: record.region)
            }
        } catch let error as ECSError where error.code == "InvalidTaskId.NotFound" {
            return nil
        }
    }
}

extension ImportTracker {
    /// Follows an earlier job's unfinished import of `object` to its end, for a later build of
    /// the same key that must not overwrite the object while ECS reads it (`EarlierImportGate`).
    /// The earlier job's journal records what is seen, as its own run would; `report` gets only
    /// `waitingForEarlierImport` events (and retries and warnings), since the events belong to
    /// the waiting job's stream, not the earlier one's.
    ///
    /// An attempt without journaled ids is followed only if ECS lists an image of it: one that
    /// is provably that job's build (its tags). Otherwise nothing of it reads the object.
    func followEarlier(_ attempt: ImportRecord, object: ObjectLocation,
                       report: @escaping @Sendable (ImportEvent) -> Void) async throws {
        var record = attempt
        if record.imageId == nil {
            do {
                guard let found = try await adoptExistingImage(record) else { return }
                record = found
            } catch is ImportError {
                return // the name is another build's: this attempt made nothing that reads the object
            }
        }
        let imageId = record.imageId ?? "?"
        let quiet = ImportTracker(
            journal: journal, ecs: ecs, oss: oss, objectLookup: objectLookup, settings: settings,
            onEvent: { event in
                switch event {
                case let .progress(jobId, status, percent):
                    report(.waitingForEarlierImport(jobId: jobId, imageId: imageId, object: object, status: status,
                                                    percent: percent))
                case .retrying, .warning: report(event)
                default: break
                }
            },
            sleep: sleep, elapsed: elapsed)
        _ = try await quiet.follow(record)
    }
}
