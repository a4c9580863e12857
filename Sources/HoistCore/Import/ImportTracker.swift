import Foundation

/// Takes an uploaded job's object into ECS as a custom image exactly once, and follows the
/// import to its end across restarts. The journal is its only memory:
///
/// `uploaded → importing(ClientToken, TaskId, ImageId) → available | failed(reason) | cancelled`
///
/// - The ClientToken is generated and committed *before* the first ImportImage call and reused
///   on every retry and every later run, so a repeated call returns the same task instead of
///   importing twice. Only `retry(jobId:)` (an operator's explicit `hoist retry`) makes a new one.
/// - Every ImportImage carries Hoist's tags (`hoist:job`, `hoist:crc64`), and its name and
///   object are fixed from the job when the attempt is opened (ImportTracker+Build.swift).
/// - Before that first call, an image with the same name is looked up with an explicit status
///   list (the default filter hides `Creating` images) and adopted only if it is usable and
///   provably this build's (`ImageProvenance`); any other holder of the name stops the import.
/// - A token whose attempt ended (an operator's `hoist cancel`) is never sent again: each
///   ImportImage re-reads the attempt from the journal first.
/// - TaskId and ImageId are committed as soon as ImportImage returns; a run that finds them
///   polls and never calls ImportImage again.
public struct ImportTracker: Sendable {
    public struct Settings: Sendable {
        public var poll: ImportPollSchedule
        public var retry: ImportRetryPolicy
        /// How long one run follows an import; nil waits as long as ECS takes.
        public var timeout: Duration?
        /// Polls in a row that find neither the image nor its task before a live import counts
        /// as lost. ECS lists a new image and task only after a while (eventual consistency),
        /// so not finding them is normal at first; the polls back off with `poll`, and the
        /// default of 20 is about 17 minutes with the standard schedule. Positive evidence (the
        /// task failed, was cancelled, or finished without its image) ends an import at once.
        public var missingImageLimit: Int
        /// How much later than its object's Last-Modified an image without Hoist's tags must
        /// have been created to count as made from it (`ImageProvenance`, rule 2).
        public var provenanceMargin: Duration

        public static let defaultMissingImageLimit = 20

        public init(poll: ImportPollSchedule = .standard, retry: ImportRetryPolicy = .standard, timeout: Duration? = nil,
                    missingImageLimit: Int = Settings.defaultMissingImageLimit,
                    provenanceMargin: Duration = ImageProvenance.defaultMargin) {
            self.poll = poll
            self.retry = retry
            self.timeout = timeout
            self.missingImageLimit = max(1, missingImageLimit)
            self.provenanceMargin = provenanceMargin
        }
    }

    let journal: UploadJournal
    let ecs: ECSClient
    /// Checks the object exists before a job is marked uploaded; nil trusts the caller.
    let oss: OSSClient?
    /// Reads an object's Last-Modified for the provenance of an image without Hoist's tags;
    /// defaults to `oss`, and is given on its own where the object check is not wanted.
    let objectLookup: OSSClient?
    let settings: Settings
    let emit: @Sendable (ImportEvent) -> Void
    let sleep: @Sendable (Duration) async throws -> Void
    /// Monotonic time, for the timeout.
    let elapsed: @Sendable () -> Duration

    public init(journal: UploadJournal, ecs: ECSClient, oss: OSSClient? = nil, objectLookup: OSSClient? = nil,
                settings: Settings = Settings(),
                onEvent: @escaping @Sendable (ImportEvent) -> Void = { _ in },
                sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
                elapsed: (@Sendable () -> Duration)? = nil) {
        self.journal = journal
        self.ecs = ecs
        self.oss = oss
        self.objectLookup = objectLookup ?? oss
        self.settings = settings
        self.emit = onEvent
        self.sleep = sleep
        let origin = ContinuousClock.now
        self.elapsed = elapsed ?? { ContinuousClock.now - origin }
    }

    // MARK: - Import

    /// Imports the job's object with `request` (its ClientToken is ignored: the tracker owns
    /// tokens) and, when `wait`, follows the import to its end.
    ///
    /// A job already `importing` continues the attempt in the journal with the parameters
    /// stored with its token; `request` only matters for a job that has not started importing.
    public func run(jobId: String, request: ImportImageRequest, wait: Bool = true) async throws -> ImportOutcome {
        try await translatingErrors { try await start(jobId: jobId, request: request, newToken: false, wait: wait) }
    }

    /// Follows a job that an earlier run left `importing` (the agent after a restart), with
    /// the parameters stored in the journal.
    public func resume(jobId: String, wait: Bool = true) async throws -> ImportOutcome {
        try await translatingErrors { try await start(jobId: jobId, request: nil, newToken: false, wait: wait) }
    }

    func start(jobId: String, request: ImportImageRequest?, newToken: Bool, wait: Bool) async throws -> ImportOutcome {
        let job = try await requireJob(jobId)
        let latest = try await journal.latestImport(jobId: jobId)
        switch job.state {
        case .available:
            guard let latest else { throw ImportError.wrongState(jobId: jobId, state: job.state, hint: "it has no import record") }
            emit(.available(jobId: jobId, imageId: latest.imageId ?? "?"))
            return .available(latest)
        case .failed, .cancelled:
            throw ImportError.wrongState(jobId: jobId, state: job.state,
                                         hint: "only `hoist retry \(jobId)` imports it again, with a new ClientToken")
        case .pending, .uploading, .verifying:
            throw ImportError.wrongState(jobId: jobId, state: job.state, hint: "its object is not uploaded and verified yet")
        case .importing, .uploaded:
            // An attempt that ended but whose job state was not written yet (a crash in between).
            if let latest, latest.attemptState.isFinal, job.state == .importing {
                return try await settle(latest)
            }
            let attempt = try await openAttempt(job: job, latest: newToken ? nil : latest, request: request)
            return try await drive(attempt, wait: wait)
        }
    }

    /// The attempt to work on: the unfinished one in the journal, or a new token committed now.
    func openAttempt(job: JobRecord, latest: ImportRecord?, request: ImportImageRequest?) async throws -> ImportRecord {
        if let latest, !latest.attemptState.isFinal {
            if let request, Self.parametersJSON(try Self.attemptRequest(request, job: job).request) != latest.parametersJSON {
                emit(.warning("the import parameters differ from those this job's import started with; "
                              + "following the started import (its ClientToken cannot be sent with other parameters)"))
            }
            if job.state == .uploaded { try await journal.updateState(jobId: job.id, to: .importing) }
            emit(.tokenCommitted(jobId: job.id, clientToken: latest.clientToken, reused: true))
            return latest
        }
        guard let request else {
            throw ImportError.wrongState(jobId: job.id, state: job.state, hint: "it has no import parameters in the journal")
        }
        let (sent, template) = try Self.attemptRequest(request, job: job)
        let record = ImportRecord(clientToken: ImportClientToken.generate(), jobId: job.id, region: sent.regionId,
                                  imageName: sent.imageName ?? "", nameTemplate: template,
                                  state: ImportAttemptState.submitting.rawValue, parametersJSON: Self.parametersJSON(sent))
        // The token is durable before ImportImage can be sent with it; then the job moves.
        let stored = try await journal.recordImport(record)
        try await journal.updateState(jobId: job.id, to: .importing)
        emit(.tokenCommitted(jobId: job.id, clientToken: stored.clientToken, reused: false))
        return stored
    }

    func drive(_ attempt: ImportRecord, wait: Bool) async throws -> ImportOutcome {
        var record = attempt
        if record.imageId == nil {
            switch try await submit(record) {
            case .running(let submitted): record = submitted
            case let other: return other
            }
        } else {
            emit(.resumed(jobId: record.jobId, taskId: record.taskId, imageId: record.imageId))
        }
        guard wait else { return .running(record) }
        return try await follow(record)
    }

    /// Sends ImportImage under the attempt's token, unless an image with the same name can be
    /// adopted. Returns `.running` with the ids journaled, or `.failed` if ECS refused the
    /// request itself (a refusal a rerun could fix, such as credentials, is thrown instead).
    func submit(_ attempt: ImportRecord) async throws -> ImportOutcome {
        var record = attempt
        if let adopted = try await adoptExistingImage(record) { return .running(adopted) }
        let request = try ImportRequestCoding.request(from: record)
        let response: ImportImageResponse
        let journal = journal
        do {
            response = try await retrying("ImportImage") {
                // Another process (`hoist cancel`) may have ended this attempt while this one
                // waited to retry; its token must then never go out again.
                if let stored = try await journal.importRecord(clientToken: request.clientToken ?? ""),
                   stored.attemptState.isFinal {
                    throw AttemptEnded(record: stored)
                }
                return try await ecs.importImage(request)
            }
        } catch let ended as AttemptEnded {
            return try await settle(ended.record)
        } catch let error as ECSError where !error.leavesAttemptOpen {
            return try await finish(record, as: .failed, reason: error.operatorMessage)
        } catch let violation as ImportImageViolation {
            return try await finish(record, as: .failed, reason: ImportError.invalidParameters(violation).description)
        }
        record.taskId = response.taskId.isEmpty ? nil : response.taskId
        record.imageId = response.imageId
        record.state = ImportAttemptState.creating.rawValue
        record.provenance = Self.importedProvenance(request)
        record = try await journal.recordImport(record)
        emit(.submitted(jobId: record.jobId, taskId: response.taskId, imageId: response.imageId))
        return .running(record)
    }

    /// Thrown inside the ImportImage retry loop when the attempt was ended by someone else.
    struct AttemptEnded: Error {
        var record: ImportRecord
    }

    // MARK: - Endings

    /// Records the attempt's end and moves the job to match.
    func finish(_ attempt: ImportRecord, as state: ImportAttemptState, reason: String?) async throws -> ImportOutcome {
        var record = attempt
        record.state = state.rawValue
        record.reason = reason
        record.finishedAt = Date()
        if state == .available { record.progress = 100 }
        record = try await journal.recordImport(record)
        return try await settle(record)
    }

    /// Moves the job to the state its finished attempt implies and reports it.
    func settle(_ record: ImportRecord) async throws -> ImportOutcome {
        let jobId = record.jobId
        switch record.attemptState {
        case .available:
            try await moveJob(jobId, to: .available, error: nil)
            emit(.available(jobId: jobId, imageId: record.imageId ?? "?"))
            return .available(record)
        case .cancelled:
            try await moveJob(jobId, to: .cancelled, error: record.reason)
            emit(.cancelled(jobId: jobId))
            return .cancelled(record)
        default:
            let reason = record.reason ?? "the import failed"
            try await moveJob(jobId, to: .failed, error: reason)
            emit(.failed(jobId: jobId, reason: reason))
            return .failed(record, reason: reason)
        }
    }

    /// A job another process moved on (an operator's cancel while this run polled) keeps that
    /// state: the operator's word wins over what this run saw.
    func moveJob(_ jobId: String, to state: JobState, error: String?) async throws {
        do {
            try await journal.updateState(jobId: jobId, to: state, error: error)
        } catch JournalError.invalidTransition(_, let from, _) {
            emit(.warning("job \(jobId) is already \(from); left as it is"))
        }
    }

    func requireJob(_ jobId: String) async throws -> JobRecord {
        guard let job = try await journal.job(id: jobId) else { throw ImportError.jobNotFound(jobId) }
        return job
    }

    static func parametersJSON(_ request: ImportImageRequest) -> String {
        var request = request
        request.clientToken = nil
        return ImportRequestCoding.json(request)
    }
}
