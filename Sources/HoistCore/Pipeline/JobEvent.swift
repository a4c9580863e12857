/// Everything a running job reports, in order, as one stream: `JobRunner` turns the lock wait,
/// the upload engine's events and the import tracker's events into these, so a consumer (the
/// CLI's printers, the agent's status line and metrics) follows a whole job in one place.
///
/// Order: at most one `.waitingForLock`, then the upload's events ending in `.uploaded` (when
/// the job has an upload phase), then the import's events, then exactly one `.finished` as the
/// last event of a run that did not throw.
public enum JobEvent: Sendable {
    /// Another process holds the job's lock and this run waits for it (`holder` is who, when
    /// its record could be read).
    case waitingForLock(JobLockKey, holder: JobLockHolder?)
    case upload(UploadEvent)
    /// The upload phase ended with a verified object (sent now, or found already uploaded).
    case uploaded(UploadOutcome)
    case `import`(ImportEvent)
    /// The job's run ended; the same value `JobRunner` returns.
    case finished(JobOutcome)
}

/// What one run of a job achieved.
public struct JobOutcome: Sendable, Equatable {
    public var jobId: String
    /// The upload phase's summary; nil when the run had no upload phase (an import of an
    /// object already in OSS, or a resumed job that was past its upload).
    public var upload: UploadOutcome?
    /// The import phase's outcome; nil when no import was asked for.
    public var imported: ImportOutcome?

    public init(jobId: String, upload: UploadOutcome? = nil, imported: ImportOutcome? = nil) {
        self.jobId = jobId
        self.upload = upload
        self.imported = imported
    }
}

/// How a run behaves when another process holds the job's lock, and how it follows an import.
public struct JobRunOptions: Sendable {
    /// false: refuse at once with `JobLockError.held` (naming the holder's pid); true: wait.
    public var waitForLock: Bool
    /// Follow an import until it ends (else return once it is submitted).
    public var followImport: Bool
    public var importSettings: ImportTracker.Settings
    /// How long failing requests may keep failing before the upload gives up; nil: for ever.
    public var giveUpAfter: Double?

    public init(waitForLock: Bool = false, followImport: Bool = true,
                importSettings: ImportTracker.Settings = ImportTracker.Settings(), giveUpAfter: Double? = nil) {
        self.waitForLock = waitForLock
        self.followImport = followImport
        self.importSettings = importSettings
        self.giveUpAfter = giveUpAfter
    }
}

/// A file to upload, and optionally to import once its object is verified.
public struct UploadJob: Sendable {
    public var upload: UploadRequest
    /// The checked ImportImage request (`ImportPreflight`); nil: upload only.
    public var importImage: ImportImageRequest?
    public var options: JobRunOptions

    public init(upload: UploadRequest, importImage: ImportImageRequest? = nil, options: JobRunOptions = JobRunOptions()) {
        self.upload = upload
        self.importImage = importImage
        self.options = options
    }

    public var lockKey: JobLockKey {
        JobLockKey(sourcePath: upload.sourcePath, bucket: upload.location.bucket, key: upload.location.key,
                   endpoint: upload.endpoint)
    }
}

/// An object already in OSS to import (`hoist import`).
public struct ObjectImportJob: Sendable {
    public var object: ObjectLocation
    /// The local file it was uploaded from, if known: its identity ties the job to it.
    public var sourcePath: String?
    /// The checked ImportImage request (`ImportPreflight`).
    public var importImage: ImportImageRequest
    /// Check with HeadObject that the object exists with the verified CRC-64 first.
    public var checkObject: Bool
    public var options: JobRunOptions

    public init(object: ObjectLocation, sourcePath: String? = nil, importImage: ImportImageRequest,
                checkObject: Bool = true, options: JobRunOptions = JobRunOptions()) {
        self.object = object
        self.sourcePath = sourcePath
        self.importImage = importImage
        self.checkObject = checkObject
        self.options = options
    }
}
