/// What the engine tells whoever shows an upload: the CLI renders these as a progress bar, plain
/// lines or JSON lines; the agent turns them into `STATUS=` and logs. The engine itself prints
/// nothing.
public enum UploadEvent: Sendable, Equatable {
    /// The parts are planned and the work is known. `safeParts` were already in OSS (journaled
    /// and confirmed by ListParts) and will not be sent again.
    case started(UploadStart)
    /// The source no longer matches the journal: the old upload was aborted and a new one starts.
    case sourceChanged(reason: String)
    /// The server no longer knows the upload ID (expired or aborted): a new upload starts.
    case uploadExpired(uploadId: String)
    /// Parts the journal had but the server did not (or had with another size or CRC); they are
    /// sent again.
    case partsMissingOnServer([Int])
    /// `--verify-local`: journaled parts whose bytes in the file no longer have the recorded
    /// CRC-64 (the file was rewritten in a way its identity did not show); they are sent again.
    case partsChangedLocally([Int])
    /// A new multipart upload ID, committed to the journal before any part is sent.
    case initiated(uploadId: String)
    /// The journal had no upload for this job, but OSS held an open one for the object: it was
    /// adopted, keeping `partsKept` parts whose size and CRC-64 match the local file.
    case adoptedUpload(uploadId: String, partsKept: Int)
    /// A part was acknowledged, its CRC-64 matched and it is journaled.
    case partDone(number: Int, bytes: Int64)
    /// A request failed and will be retried.
    case retrying(RetryNotice)
    /// Requests fail below HTTP and a probe confirmed that OSS cannot be reached; parts wait for
    /// the network instead of each backing off. Sent once per outage.
    case networkDown
    /// The network is back (a probe or a request got an answer from OSS) after `afterSeconds`;
    /// the waiting parts resume at once.
    case networkBack(afterSeconds: Double)
    /// The signing clock was corrected from the server's `Date` after `RequestTimeTooSkewed`.
    case clockCorrected(offsetSeconds: Double)
    /// Periodic: bytes and parts so far.
    case progress(UploadProgress)
    /// All parts are in; CompleteMultipartUpload is being sent.
    case completing
    /// A Complete whose answer was lost turned out to have succeeded (the object matched).
    case completionRecovered
    /// The object exists and its CRC-64 equals the CRC combined from the parts.
    case verified(crc64: UInt64)
    /// The journal says this exact file is already uploaded and verified: nothing was sent.
    case alreadyUploaded(crc64: UInt64?)
    /// An upload whose parts are not wanted was aborted, and OSS confirmed it (`confirmed`); or
    /// OSS did not confirm after a few tries (`reason`), so it stays `aborting` in the journal and
    /// the next run of the job, and `hoist uploads abort`, try again. Its parts are billed until then.
    case abortedUpload(uploadId: String, confirmed: Bool, reason: String?)
}

/// The shape of the work when an upload starts or resumes.
public struct UploadStart: Sendable, Equatable {
    public var jobId: String
    public var uploadId: String?
    public var location: ObjectLocation
    public var totalBytes: Int64
    public var partSize: Int64
    public var partCount: Int
    /// Parts already safe in OSS from earlier runs.
    public var safeParts: Int
    public var safeBytes: Int64
    /// True when an earlier run of this job left work behind.
    public var resumed: Bool
}

/// A snapshot of how far an upload is.
public struct UploadProgress: Sendable, Equatable {
    public var totalBytes: Int64
    /// Bytes of journaled parts plus bytes of parts in flight handed to the network so far.
    public var bytesDone: Int64
    /// Bytes put on the wire in this run, counting retries.
    public var bytesSent: Int64
    /// Bytes of `bytesSent` that had been sent before (retries, parts an earlier run sent but
    /// did not journal), as `UploadOutcome.bytesResent` counts them.
    public var bytesResent: Int64
    public var partsDone: Int
    public var partCount: Int
    public var partsInFlight: Int
    /// The parts in flight the runtime's budget allows now, shared by every upload of the
    /// process: with `--parallel auto`, the level its tuner chose. nil without a budget.
    public var partsAllowed: Int?
    public var retries: Int
    /// Seconds since this run started sending.
    public var elapsed: Double
    /// Bytes sent per second in this run, averaged over a short recent window.
    public var bytesPerSecond: Double

    public init(totalBytes: Int64 = 0, bytesDone: Int64 = 0, bytesSent: Int64 = 0, bytesResent: Int64 = 0,
                partsDone: Int = 0, partCount: Int = 0, partsInFlight: Int = 0, partsAllowed: Int? = nil,
                retries: Int = 0, elapsed: Double = 0, bytesPerSecond: Double = 0) {
        self.totalBytes = totalBytes
        self.bytesDone = bytesDone
        self.bytesSent = bytesSent
        self.bytesResent = bytesResent
        self.partsDone = partsDone
        self.partCount = partCount
        self.partsInFlight = partsInFlight
        self.partsAllowed = partsAllowed
        self.retries = retries
        self.elapsed = elapsed
        self.bytesPerSecond = bytesPerSecond
    }

    /// Seconds left at the current rate, or nil when nothing is moving.
    public var secondsRemaining: Double? {
        guard bytesPerSecond > 0 else { return nil }
        return Double(max(totalBytes - bytesDone, 0)) / bytesPerSecond
    }

    public var fraction: Double { totalBytes > 0 ? Double(bytesDone) / Double(totalBytes) : 1 }
}
