import Foundation

/// Uploads one file to one OSS object so that it arrives intact however often the process, host
/// or network dies, and no part that is safe in OSS is sent twice (DESIGN.md §3).
///
/// A run: open the file → find or create the job → check the source identity → reconcile the
/// journal with ListParts → send the missing parts (`PartScheduler`) → re-check the source →
/// Complete → HeadObject and compare the CRC-64 with the parts' combined CRC. Every step can be
/// interrupted; the next run repeats the same steps and picks up where the journal says.
///
/// The engine prints nothing: it reports through `onEvent`, which is called on a thread of its
/// own (`EventRelay`), in order, and may take its time: a slow consumer never holds up a part.
public final class ResumableUpload: Sendable {
    let client: OSSClient
    let journal: UploadJournal
    let policy: RetryPolicy
    /// The process's parts-in-flight budget, shared with every other upload of the runtime;
    /// nil: this upload alone bounds its parts (`UploadRequest.parallel`).
    let budget: PartBudget?
    /// Asked before the first byte of a run is sent; nil: nothing to wait for.
    let gate: (any UploadGate)?
    let emit: @Sendable (UploadEvent) -> Void
    let events: EventRelay
    /// How many times in a row an upload ID may vanish before the run gives up.
    let maximumRestarts = 3

    public init(client: OSSClient, journal: UploadJournal, policy: RetryPolicy = RetryPolicy(),
                budget: PartBudget? = nil, gate: (any UploadGate)? = nil,
                onEvent: @escaping @Sendable (UploadEvent) -> Void = { _ in }) {
        self.client = client
        self.journal = journal
        self.policy = policy
        self.budget = budget
        self.gate = gate
        let events = EventRelay(onEvent)
        self.events = events
        self.emit = { events.post($0) }
    }

    /// One run of `run(_:)` (ResumableUpload+Events.swift), between its event bookkeeping.
    func runJob(_ given: UploadRequest) async throws(UploadFailure) -> UploadOutcome {
        let startedAt = Date()
        let meter = UploadMeter(budget: budget)
        let source = try SourceFile(path: given.sourcePath)
        var job: JobRecord
        let request: UploadRequest
        do {
            let prepared = try await prepareJob(given, source: source)
            // From here on the object is the job's own: its key expanded once, when it was created.
            request = given.at(prepared.job)
            // Uploads this job left behind whose abort OSS never confirmed: their parts are billed.
            await UploadAbort(client: client, journal: journal).retryPending(jobId: prepared.job.id)
            if prepared.alreadyUploaded {
                emit(.alreadyUploaded(crc64: prepared.job.objectCRC64))
                return alreadyUploadedSummary(prepared.job, request: request)
            }
            job = prepared.job
            try await gate?.beforeWriting(job)
        } catch {
            throw failure(from: error, source: source)
        }
        var run = RunState()
        do {
            let summary = try await uploadAndVerify(job: &job, request: request, source: source, meter: meter, run: &run)
            await recordStats(jobId: job.id, startedAt: startedAt, meter: meter)
            return summary
        } catch {
            let failure = failure(from: error, source: source)
            await recordStats(jobId: job.id, startedAt: startedAt, meter: meter)
            switch failure {
            case .interrupted, .gaveUp, .journal, .outOfDescriptors:
                break // resumable as it stands (a journal that failed could not record more anyway)
            case _ where JournalError.isConflict(error):
                break // another writer moved the job: its state is theirs, not a failure of the job
            case _ where job.state == .verifying && failure.category != .integrity:
                break // Complete was sent: the next run checks the object, it never re-sends parts
            default:
                // Compare-and-set: a job someone else has moved meanwhile is left as they left it.
                _ = try? await journal.updateState(jobId: job.id, from: job.state, to: .failed,
                                                   error: failure.description)
            }
            throw failure
        }
    }

    /// What one run learned along the way, for its summary.
    struct RunState {
        var safePartsAtStart: Int?
        var restarts = 0
    }

    /// The job for this source and destination: the latest one when it is unfinished (resume),
    /// failed or cancelled (running the command again is the retry), or already uploaded with
    /// the same file and still in OSS (nothing to do); otherwise a new job.
    ///
    /// A new job's key is `request.location.key` read as a `NameTemplate` and expanded by the
    /// journal with the job's id and creation time; an existing job keeps the key it got then.
    func prepareJob(_ request: UploadRequest, source: SourceFile) async throws -> (job: JobRecord, alreadyUploaded: Bool) {
        if let job = try await journal.findJob(sourcePath: request.sourcePath, bucket: request.location.bucket,
                                               key: request.location.key) {
            switch job.state {
            case .uploaded, .importing, .available:
                // The same file, and the object is still there as verified (one HeadObject:
                // someone may have deleted or overwritten it since).
                if job.source.change(to: source.identity) == nil, let crc = job.objectCRC64,
                   try await objectMatches(location: job.location, size: job.bytesTotal, crc64: crc) {
                    return (job, true)
                }
            case .failed, .cancelled:
                // Running the same command again is the retry, for the same file. Another file at
                // the path (a rebuild) is another build, and gets a job of its own.
                if job.source.device == source.identity.device, job.source.inode == source.identity.inode {
                    return (try await journal.updateState(jobId: job.id, from: job.state, to: .pending), false)
                }
            case .pending, .uploading, .verifying:
                return (job, false)
            }
        }
        let plan = try plan(fileSize: source.identity.size, request: request)
        let template: NameTemplate
        do {
            template = try NameTemplate(request.location.key, allowed: NameTemplate.keyPlaceholders)
        } catch {
            throw UploadFailure.local("object key: \(error.description)")
        }
        let job = try await journal.createJob(NewJob(
            sourcePath: request.sourcePath, source: source.identity, bucket: request.location.bucket,
            keyTemplate: template, endpoint: request.endpoint, partSize: plan.partSize))
        return (job, false)
    }

    /// The journaled job a run of `request` continues, judged as `prepareJob` judges it but
    /// without changing anything or asking OSS: for checks made before the run (the image
    /// name). Nil when the run will create a new job.
    public static func jobToContinue(_ request: UploadRequest, journal: UploadJournal) async throws -> JobRecord? {
        guard let job = try await journal.findJob(sourcePath: request.sourcePath, bucket: request.location.bucket,
                                                  key: request.location.key) else { return nil }
        switch job.state {
        case .uploaded, .importing, .available:
            guard let identity = try? SourceIdentity(path: request.sourcePath), job.source.change(to: identity) == nil
            else { return nil }
            return job
        case .failed, .cancelled, .pending, .uploading, .verifying:
            return job
        }
    }

    func plan(fileSize: Int64, request: UploadRequest) throws(UploadFailure) -> PartPlan {
        do {
            return try PartPlan(fileSize: fileSize, configuredPartSize: request.partSize, limits: request.limits)
        } catch {
            throw .plan(error)
        }
    }

    /// Any error as the `UploadFailure` an operator reads.
    func failure(from error: any Error, source: SourceFile) -> UploadFailure {
        if let failure = error as? UploadFailure { return failure }
        if Task.isCancelled { return .interrupted }
        switch RetryPolicy.classify(error) {
        case .cancelled:
            return .interrupted
        case .sourceProblem:
            return .sourceChangedDuringUpload(path: source.path, reason: RetryPolicy.describe(error))
        default:
            break
        }
        switch error {
        case let error as JournalStorageError: return .journal(error)
        case let error as OSSError: return .rejected(error, operation: "a request")
        case let error as TransportError: return .transport(error, operation: "a request")
        case let error as PartPlanError: return .plan(error)
        default: return .local("the upload stopped: \(RetryPolicy.describe(error))")
        }
    }

    func recordStats(jobId: String, startedAt: Date, meter: UploadMeter) async {
        let totals = meter.totals
        let stats = RunStats(startedAt: startedAt, finishedAt: Date(), bytesSent: totals.bytesSent,
                             bytesResent: totals.bytesResent, durationMilliseconds: Int64(totals.elapsed * 1000))
        try? await journal.recordRunStats(jobId: jobId, stats)
    }

    func alreadyUploadedSummary(_ job: JobRecord, request: UploadRequest) -> UploadOutcome {
        let count = Int((job.bytesTotal + job.partSize - 1) / max(job.partSize, 1))
        return UploadOutcome(jobId: job.id, location: request.location, uploadId: nil, totalBytes: job.bytesTotal,
                             partSize: job.partSize, partCount: count, partsAlreadySafe: count, partsSent: 0,
                             bytesSent: 0, bytesResent: 0, retries: 0, crc64: job.objectCRC64, duration: 0,
                             alreadyUploaded: true)
    }

    /// Retries `body` under the policy, counting retries and correcting the clock.
    func withRetries<T: Sendable>(_ operation: String, meter: UploadMeter, location: ObjectLocation,
                                  _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let client = client, emit = emit
        return try await policy.perform(
            operation,
            correctClock: { offset in
                client.clockOffset = offset
                emit(.clockCorrected(offsetSeconds: offset))
            },
            onRetry: { notice in
                meter.retried()
                emit(.retrying(notice))
            },
            probe: probe(location),
            body)
    }

    /// The network probe for uploads to `location`'s bucket (see `NetworkHealth`).
    func probe(_ location: ObjectLocation) -> @Sendable () async -> Bool {
        let client = client, health = policy.health
        return { await client.isReachable(bucket: location.bucket, timeout: health.probeTimeout) }
    }
}
