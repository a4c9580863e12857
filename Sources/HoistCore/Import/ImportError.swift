/// Why an import could not be started or followed, sorted by what the person has to do about
/// it. An import that ran and *failed* in ECS is not an error but an `ImportOutcome`; these are
/// the cases where Hoist could not get that far.
public enum ImportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A parameter breaks an ImportImage rule; nothing was sent.
    case invalidParameters(ImportImageViolation)
    /// As `invalidParameters`, for a value set in a file: `origin` is `"disk.toml:7 (platform)"`.
    case invalidSetting(ImportImageViolation, origin: String)
    /// The local image cannot be imported as it is (ISO, backing file, encrypted, …); nothing was sent.
    case imageRefused(ImageInspectorError)
    /// `--format` names one format and the file is another; ECS would import garbage.
    case formatMismatch(declared: String, detected: String)
    /// A required value is missing or unusable (no image name, no region, a bad URL, a bad manifest).
    case usage(String)
    /// The object to import is not in OSS (or cannot be read with these credentials).
    case objectUnavailable(ObjectLocation, reason: String)
    /// Another image already holds the name: one that cannot be shown to come from this build's
    /// bytes (`ImageProvenance`; `reason` says which rule it failed). It is never adopted;
    /// nothing was imported.
    case imageNameTaken(name: String, imageId: String, status: String, source: ObjectLocation?, created: String?,
                        wanted: ObjectLocation, reason: String)
    /// The object in OSS is not the one that was verified: its CRC-64 differs from the reference
    /// (the journal's combined part CRCs, or the `--source-file`'s CRC-64). Nothing is imported.
    case objectMismatch(ObjectLocation, objectCRC64: UInt64?, expectedCRC64: UInt64, reference: String)
    /// ECS refused the call for a reason retrying cannot fix: credentials, permissions, the RAM
    /// role. The job keeps its ClientToken, so rerunning after the fix continues the same import.
    case refused(ECSError)
    /// ECS or the network kept failing with retryable errors until the retry budget ran out. The
    /// job keeps its state; rerunning continues where this run stopped.
    case unreachable(operation: String, attempts: Int, lastError: String)
    /// `--timeout` expired while ECS was still importing; the import goes on in the cloud and a
    /// rerun resumes following it.
    case timedOut(jobId: String, seconds: Double)
    case jobNotFound(String)
    /// The job is in a state the operation does not apply to; `hint` says what would.
    case wrongState(jobId: String, state: JobState, hint: String)

    public var description: String {
        switch self {
        case .invalidParameters(let v):
            return "\(v.parameter): \(v.reason) (rule \(v.rule.rawValue), ECS would answer \(v.code)); nothing was sent"
        case .invalidSetting(let v, let origin):
            return "\(origin): \(v.parameter): \(v.reason) (rule \(v.rule.rawValue), ECS would answer \(v.code)); nothing was sent"
        case .imageRefused(let e):
            return "\(e.path): \(e.message); nothing was sent"
        case .formatMismatch(let declared, let detected):
            return "the format is given as \(declared) but the file is \(detected); drop --format or fix it; nothing was sent"
        case .usage(let message):
            return message
        case .objectUnavailable(let object, let reason):
            return "\(object) cannot be imported: \(reason)"
        case let .imageNameTaken(name, imageId, status, source, created, wanted, reason):
            let from = source.map { "imported from \($0)" } ?? "not imported from an OSS object Hoist can see"
            return "the image name \(name) is taken by image \(imageId) (\(status), \(from), created \(created ?? "at an unknown time")), "
                + "which is not this build's: \(reason). Hoist adopts an image only when it provably came from this "
                + "build's bytes (of \(wanted)). Give each build its own name, for example --image-name '\(Self.suggestion(name))' "
                + "(placeholders {stem} {date} {time} {job} {crc}), or delete \(imageId) (ECS DeleteImage) if it is not wanted; "
                + "nothing was imported"
        case let .objectMismatch(object, actual, expected, reference):
            let found = actual.map { "\($0)" } ?? "missing (x-oss-hash-crc64ecma not returned)"
            return "\(object) cannot be imported: its CRC-64 is \(found) but \(reference) is \(expected); the object is "
                + "not the image that was verified (overwritten, or a failed upload). Upload the file again; nothing was imported"
        case .refused(let error):
            return error.operatorMessage + (error.requestId.isEmpty ? "" : " (RequestId \(error.requestId))")
        case .unreachable(let operation, let attempts, let lastError):
            return "\(operation) failed \(attempts) times in a row (last: \(lastError)); the job is unchanged, rerun to continue"
        case .timedOut(let jobId, let seconds):
            return "job \(jobId) is still importing after \(Int(seconds)) s; the import goes on in ECS, "
                + "rerun `hoist import` with the same arguments to keep following it, or `hoist cancel \(jobId)`"
        case .jobNotFound(let id):
            return "there is no job \(id) in the journal (see `hoist status`)"
        case .wrongState(let id, let state, let hint):
            return "job \(id) is \(state): \(hint)"
        }
    }

    /// True for problems found before anything was sent to the cloud.
    public var isLocal: Bool {
        switch self {
        case .invalidParameters, .invalidSetting, .imageRefused, .formatMismatch, .usage: true
        default: false
        }
    }
}

extension ImportError {
    /// A per-build name built on `name`, for the advice of `imageNameTaken`.
    static func suggestion(_ name: String) -> String {
        name.contains("{") ? name : name + "-{date}-{time}"
    }
}
