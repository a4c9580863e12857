/// What to upload where, and how: the engine's input.
public struct UploadRequest: Sendable, Equatable {
    /// Absolute path of the source; the journal finds earlier runs by this exact text.
    public var sourcePath: String
    /// Where it goes. The key may be a template (`NameTemplate`: `builds/{stem}-{date}.raw`),
    /// expanded once when the job is created; a rerun finds the job by the template.
    public var location: ObjectLocation
    /// The configured part size; a resumed upload keeps the size it started with.
    public var partSize: Int64
    /// Parts in flight at once.
    public var parallel: Int
    public var limits: PartPlan.Limits
    /// The endpoint as configured, recorded in the job for `hoist status`.
    public var endpoint: String
    /// Before resuming, re-read every journaled part from the file and send again those whose
    /// CRC-64 differs (`--verify-local`): for a file that may have been rewritten in a way its
    /// identity cannot show. Costs one read of the parts already sent.
    public var verifyLocal: Bool

    public init(sourcePath: String, location: ObjectLocation, partSize: Int64 = PartPlan.defaultPartSize,
                parallel: Int = 8, limits: PartPlan.Limits = .oss, endpoint: String, verifyLocal: Bool = false) {
        self.sourcePath = sourcePath
        self.location = location
        self.partSize = partSize
        self.parallel = parallel
        self.limits = limits
        self.endpoint = endpoint
        self.verifyLocal = verifyLocal
    }
}

extension UploadRequest {
    /// The request for `job`'s own object (its expanded key).
    func at(_ job: JobRecord) -> UploadRequest {
        var request = self
        request.location = job.location
        return request
    }
}

extension JobRecord {
    /// The job's object.
    public var location: ObjectLocation { ObjectLocation(bucket: bucket, key: key) }
}
