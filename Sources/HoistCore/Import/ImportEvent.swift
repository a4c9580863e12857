/// What an import is doing, as it happens. The tracker emits these; the CLI renders them (a
/// live line on a terminal, plain lines in a log, JSON lines for machines) and the agent turns
/// them into `STATUS=` lines. They carry no secrets: ids, states and reasons only.
public enum ImportEvent: Sendable, Equatable {
    /// The local image was read: its format and virtual size decide `Format` and `DiskImageSize`.
    case inspected(path: String, inspection: ImageInspection)
    /// The job's ClientToken is in the journal; `reused` when an earlier run had committed it.
    case tokenCommitted(jobId: String, clientToken: String, reused: Bool)
    /// An image with the requested name already existed, provably made from this build's bytes
    /// (`proof` says how), and was taken over instead of importing again.
    case adopted(jobId: String, imageId: String, taskId: String?, status: String, proof: String)
    /// This job's upload waits: an earlier job's import (`jobId`) still reads the object this
    /// upload would overwrite. Repeated when its status or progress changes.
    case waitingForEarlierImport(jobId: String, imageId: String, object: ObjectLocation, status: String, percent: Int?)
    /// ImportImage answered; the ids are journaled.
    case submitted(jobId: String, taskId: String, imageId: String)
    /// A run picked up an import an earlier run had started.
    case resumed(jobId: String, taskId: String?, imageId: String?)
    /// A poll result: ECS's image status and percent (nil when ECS does not say).
    case progress(jobId: String, status: String, percent: Int?)
    /// A call failed with a retryable error and will be sent again after `delay`.
    case retrying(operation: String, attempt: Int, delay: Duration, reason: String)
    /// Something worth a look that does not stop the import.
    case warning(String)
    case available(jobId: String, imageId: String)
    case failed(jobId: String, reason: String)
    case cancelled(jobId: String)

    /// A stable lower-case name for the JSON form.
    public var name: String {
        switch self {
        case .inspected: "inspected"
        case .tokenCommitted: "token-committed"
        case .adopted: "adopted"
        case .waitingForEarlierImport: "waiting-for-earlier-import"
        case .submitted: "submitted"
        case .resumed: "resumed"
        case .progress: "progress"
        case .retrying: "retrying"
        case .warning: "warning"
        case .available: "available"
        case .failed: "failed"
        case .cancelled: "cancelled"
        }
    }
}

/// How an import ended, or where it stands when the caller did not wait.
public enum ImportOutcome: Sendable, Equatable {
    /// Started (or found running) and not followed to the end.
    case running(ImportRecord)
    case available(ImportRecord)
    case failed(ImportRecord, reason: String)
    case cancelled(ImportRecord?)

    public var record: ImportRecord? {
        switch self {
        case .running(let r), .available(let r), .failed(let r, _): r
        case .cancelled(let r): r
        }
    }
}
