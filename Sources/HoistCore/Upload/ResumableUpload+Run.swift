import Foundation

extension ResumableUpload {
    /// The resumable loop: each pass reconciles, sends what is missing and completes. A pass
    /// ends early and the loop starts over when the upload ID vanished or Complete found parts
    /// missing; both are normal events on a long upload, not failures.
    func uploadAndVerify(job: inout JobRecord, request: UploadRequest, source: SourceFile, meter: UploadMeter,
                         run: inout RunState) async throws -> UploadOutcome {
        let location = request.location
        var refusedCompletes = 0
        while true {
            try Task.checkCancellation()
            // Killed between Complete and the CRC check: only the check is left to do.
            if job.state == .verifying, job.source.change(to: source.identity) == nil,
               let last = try await journal.uploads(jobId: job.id).last, last.state == .completed {
                let plan = try recordedPlan(fileSize: source.identity.size, partSize: last.partSize)
                meter.plan(totalBytes: plan.fileSize, partCount: plan.partCount, safeParts: plan.partCount,
                           safeBytes: plan.fileSize)
                run.safePartsAtStart = run.safePartsAtStart ?? plan.partCount
                return try await verify(job: &job, uploadId: last.uploadId, plan: plan, location: location,
                                        meter: meter, run: run)
            }
            if let reason = job.source.change(to: source.identity) {
                try await restart(job: &job, because: reason, source: source, request: request, meter: meter)
            }

            let open = try await journal.openUpload(jobId: job.id)
            let plan = try open.map { try recordedPlan(fileSize: source.identity.size, partSize: $0.partSize) }
                ?? self.plan(fileSize: source.identity.size, request: request)
            var uploadId = open?.uploadId
            var safe: [Int: PartRecord] = [:]
            if let open {
                switch try await reconcile(uploadId: open.uploadId, plan: plan, location: location, meter: meter) {
                case .safe(let parts):
                    safe = request.verifyLocal
                        ? try await keepingLocalMatches(parts, uploadId: open.uploadId, plan: plan, source: source)
                        : parts
                case .completedEarlier:
                    try await journal.markUploadCompleted(uploadId: open.uploadId)
                    job = try await journal.updateState(jobId: job.id, from: job.state, to: .verifying)
                    emit(.completionRecovered)
                    continue
                case .gone:
                    try await noteVanished(uploadId: open.uploadId, run: &run)
                    uploadId = nil
                }
            }

            if open == nil, try await adoptOpenUpload(jobId: job.id, plan: plan, location: location, source: source,
                                                      meter: meter) {
                continue
            }
            job = try await journal.updateState(jobId: job.id, from: job.state, to: .uploading)
            let activeUpload: String
            if let uploadId {
                activeUpload = uploadId
            } else {
                activeUpload = try await initiate(jobId: job.id, plan: plan, location: location, meter: meter)
            }

            let safeBytes = safe.values.reduce(Int64(0)) { $0 + $1.size }
            meter.plan(totalBytes: plan.fileSize, partCount: plan.partCount, safeParts: safe.count, safeBytes: safeBytes)
            run.safePartsAtStart = run.safePartsAtStart ?? safe.count
            emit(.started(UploadStart(jobId: job.id, uploadId: activeUpload, location: location, totalBytes: plan.fileSize,
                                      partSize: plan.partSize, partCount: plan.partCount, safeParts: safe.count,
                                      safeBytes: safeBytes, resumed: open != nil)))

            let missing = plan.parts.filter { safe[$0.number] == nil }
            let sender = PartUpload(client: client, journal: journal, source: source, location: location,
                                    uploadId: activeUpload, policy: policy, meter: meter, emit: emit,
                                    probe: probe(location), budget: budget)
            do {
                try await PartScheduler(parallel: request.parallel, budget: budget).run(Array(missing)) { try await sender.send($0) }
            } catch where RetryPolicy.classify(error) == .uploadGone {
                try await noteVanished(uploadId: activeUpload, run: &run)
                continue
            } catch let JournalError.uploadNotOpen(_, state) where state == .completed {
                // Completed by another writer (a Hoist without job locks): not an error; the
                // object is checked like one whose Complete answer was lost.
                if let current = try await journal.job(id: job.id) { job = current }
                emit(.completionRecovered)
                switch job.state {
                case .uploaded, .importing, .available:
                    return alreadyUploadedSummary(job, request: request)
                case .uploading:
                    job = try await journal.updateState(jobId: job.id, from: .uploading, to: .verifying)
                default:
                    break
                }
                continue
            }

            // The bytes of every part came from the open descriptor; if the file changed while
            // they were read, the parts may mix old and new content, so nothing is completed.
            if let gone = source.goneSinceOpened() {
                await abortQuietly(uploadId: activeUpload, location: location)
                throw UploadFailure.sourceGoneDuringUpload(path: source.path, gone)
            }
            if let change = source.changeSinceOpened() {
                await abortQuietly(uploadId: activeUpload, location: location)
                throw UploadFailure.sourceChangedDuringUpload(path: source.path, reason: change)
            }

            switch try await complete(job: &job, uploadId: activeUpload, plan: plan, location: location, meter: meter) {
            case .completed(let crc64):
                return try await verify(job: &job, uploadId: activeUpload, plan: plan, location: location,
                                        meter: meter, run: run, completedCRC64: crc64)
            case .partsMissing(let reason):
                // The next pass reconciles with ListParts and resends what is missing; a server
                // that refuses a list ListParts fully backs would make that a tight endless loop.
                refusedCompletes += 1
                if refusedCompletes >= maximumRefusedCompletes {
                    throw UploadFailure.completeKeepsRefusingParts(times: refusedCompletes, lastError: reason)
                }
                let pause = policy.delay(attempt: refusedCompletes, serverDelay: nil)
                try await Task.sleep(for: .milliseconds(Int64(pause * 1000)))
                continue
            case .gone:
                try await noteVanished(uploadId: activeUpload, run: &run)
            }
        }
    }

    /// The source differs from the journal: abort the old upload (its parts are another file's)
    /// and record the new identity, so the next pass starts a fresh upload.
    func restart(job: inout JobRecord, because reason: String, source: SourceFile, request: UploadRequest,
                 meter: UploadMeter) async throws {
        emit(.sourceChanged(reason: reason))
        if let open = try await journal.openUpload(jobId: job.id) {
            await abortQuietly(uploadId: open.uploadId, location: request.location)
        }
        let plan = try plan(fileSize: source.identity.size, request: request)
        job = try await journal.updateSource(jobId: job.id, identity: source.identity, partSize: plan.partSize)
    }

    /// Starts a multipart upload and commits its ID before any part is sent.
    func initiate(jobId: String, plan: PartPlan, location: ObjectLocation, meter: UploadMeter) async throws -> String {
        let client = client
        let initiated = try await withRetries("InitiateMultipartUpload", meter: meter, location: location) {
            try await client.initiateMultipartUpload(bucket: location.bucket, key: location.key)
        }
        try await journal.recordUpload(jobId: jobId, uploadId: initiated.uploadId, partSize: plan.partSize,
                                       partCount: plan.partCount)
        emit(.initiated(uploadId: initiated.uploadId))
        return initiated.uploadId
    }

    /// Complete passes in a row that may find parts missing before the run stops.
    var maximumRefusedCompletes: Int { 3 }

    /// The upload ID is gone: forget it and let the loop start a new one, unless this keeps
    /// happening (a lifecycle rule or another client aborting everything).
    func noteVanished(uploadId: String, run: inout RunState) async throws {
        emit(.uploadExpired(uploadId: uploadId))
        try await journal.markUploadAborted(uploadId: uploadId)
        run.restarts += 1
        if run.restarts > maximumRestarts { throw UploadFailure.uploadKeepsVanishing(times: run.restarts) }
    }

    /// Aborts an upload whose parts must not be used. It never stops the run; see `UploadAbort`
    /// for what the journal records when OSS does not confirm.
    func abortQuietly(uploadId: String, location: ObjectLocation) async {
        switch await UploadAbort(client: client, journal: journal).abort(uploadId: uploadId, location: location) {
        case .aborted, .alreadyGone: emit(.abortedUpload(uploadId: uploadId, confirmed: true, reason: nil))
        case .pending(let reason): emit(.abortedUpload(uploadId: uploadId, confirmed: false, reason: reason))
        }
    }

    func recordedPlan(fileSize: Int64, partSize: Int64) throws(UploadFailure) -> PartPlan {
        do {
            return try PartPlan(fileSize: fileSize, recordedPartSize: partSize)
        } catch {
            throw .plan(error)
        }
    }
}
