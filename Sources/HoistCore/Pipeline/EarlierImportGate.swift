/// Never overwrite an object that an import is still reading (DESIGN.md, "One image per
/// build"). ECS reads an image's object while the image is `Waiting` and `Creating`, for
/// minutes; a new build of the same key completed in that time would give the earlier image a
/// mix of two builds' bytes. So before a job's first byte, every earlier job of the same object
/// in this host's journal whose import has not ended is followed to its end, visibly
/// (`ImportEvent.waitingForEarlierImport`, repeated as its progress changes).
///
/// The earlier import is followed under its own job's lock, so its journal records the end as
/// its own run would have; when another process holds that lock (it is following the import
/// itself), the gate waits for the journal to say the attempt ended. An attempt whose
/// ImportImage was never answered is waited for only if ECS lists an image of it (by its tags);
/// if it is sent later, its run finds the object changed and refuses (`confirmObjectUnchanged`).
struct EarlierImportGate: UploadGate {
    let runner: JobRunner
    /// The lock this run holds (its own job's, which may be the earlier job's too: same file).
    let ownLock: JobLockKey
    let options: JobRunOptions
    let onEvent: @Sendable (JobEvent) -> Void

    func beforeWriting(_ job: JobRecord) async throws {
        let journal = runner.runtime.journal
        for earlier in try await journal.jobs(bucket: job.bucket, key: job.key, excluding: job.id) {
            guard let attempt = try await journal.latestImport(jobId: earlier.id), !attempt.attemptState.isFinal else {
                continue
            }
            try await waitForEnd(of: attempt, earlier: earlier, object: job.location)
        }
    }

    private func waitForEnd(of attempt: ImportRecord, earlier: JobRecord, object: ObjectLocation) async throws {
        let key = JobLockKey(job: earlier)
        var lock: JobLock?
        if key.fileName != ownLock.fileName {
            do {
                lock = try await runner.runtime.lock(key, wait: false)
            } catch .held {
                try await waitOnJournal(attempt, object: object)
                return
            }
        }
        defer { lock?.release() }
        let onEvent = onEvent
        let tracker = try runner.tracker(region: attempt.region, options: options, onEvent: { _ in })
        try await tracker.followEarlier(attempt, object: object) { onEvent(.import($0)) }
    }

    /// Another process follows the earlier import: its journal entries are the news.
    private func waitOnJournal(_ attempt: ImportRecord, object: ObjectLocation) async throws {
        let journal = runner.runtime.journal
        var reported: (String, Int)?
        var polls = 0
        while let current = try await journal.importRecord(clientToken: attempt.clientToken),
              !current.attemptState.isFinal {
            if let imageId = current.imageId, reported.map({ $0 != (current.state, current.progress) }) ?? true {
                reported = (current.state, current.progress)
                onEvent(.import(.waitingForEarlierImport(jobId: current.jobId, imageId: imageId, object: object,
                                                         status: current.state, percent: current.progress)))
            }
            try await Task.sleep(for: options.importSettings.poll.delay(afterPoll: polls))
            polls += 1
        }
    }
}
