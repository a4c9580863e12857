/// The outcome of a finished upload: what the CLI prints last and `--json` emits as its summary.
public struct UploadOutcome: Sendable, Equatable {
    public var jobId: String
    public var location: ObjectLocation
    public var uploadId: String?
    public var totalBytes: Int64
    public var partSize: Int64
    public var partCount: Int
    /// Parts found safe in OSS at the start of this run.
    public var partsAlreadySafe: Int
    /// Parts sent in this run.
    public var partsSent: Int
    /// Bytes put on the wire in this run, counting retries.
    public var bytesSent: Int64
    /// Bytes this run sent that had been sent before: retries, and parts an earlier run sent but
    /// could not journal before it died.
    public var bytesResent: Int64
    public var retries: Int
    /// The verified CRC-64 of the object.
    public var crc64: UInt64?
    /// Seconds this run took.
    public var duration: Double
    /// True when nothing had to be done: the journal already held a verified upload.
    public var alreadyUploaded: Bool

    public init(jobId: String, location: ObjectLocation, uploadId: String?, totalBytes: Int64, partSize: Int64,
                partCount: Int, partsAlreadySafe: Int, partsSent: Int, bytesSent: Int64, bytesResent: Int64,
                retries: Int, crc64: UInt64?, duration: Double, alreadyUploaded: Bool) {
        self.jobId = jobId
        self.location = location
        self.uploadId = uploadId
        self.totalBytes = totalBytes
        self.partSize = partSize
        self.partCount = partCount
        self.partsAlreadySafe = partsAlreadySafe
        self.partsSent = partsSent
        self.bytesSent = bytesSent
        self.bytesResent = bytesResent
        self.retries = retries
        self.crc64 = crc64
        self.duration = duration
        self.alreadyUploaded = alreadyUploaded
    }

    /// Average rate of this run.
    public var bytesPerSecond: Double { duration > 0 ? Double(bytesSent) / duration : 0 }
}
