import HoistCore

/// What the agent does with an error a job ended in. The rule: only a failure a person must
/// act on goes to failed/; anything that time alone fixes is tried again, and a stop leaves the
/// image where it is for the next start.
enum JobFailureKind: Equatable {
    /// The agent is stopping (or the job was cancelled): leave the image in place.
    case stopped
    /// Another process holds the job's lock (e.g. a `hoist upload` from a shell): try later.
    case busy(String)
    /// Network, throttling, ECS busy or unreachable: try later, never a failure.
    case transient(String)
    /// File the image in failed/ with this first line.
    case permanent(String)

    static func of(_ error: any Error, cancelled: Bool) -> JobFailureKind {
        if cancelled || error is CancellationError { return .stopped }
        switch error {
        case let failure as JobLockError:
            switch failure {
            case .held: return .busy(failure.description)
            case .cancelled: return .stopped
            // A lock folder that cannot be used is the host's to fix, not the image's: wait for it.
            case .directory: return .transient(failure.description)
            case .unusable, .stateDirectory: return .permanent(failure.description)
            }
        case let failure as UploadFailure:
            if failure.isHostFault { return .transient(failure.description) }
            switch failure.category {
            case .interrupted: return .stopped
            case .network: return .transient(failure.description)
            default: return .permanent(failure.description)
            }
        // A full disk (the journal's, or done/'s and failed/'s) passes: wait, as for the network.
        case let failure as JournalStorageError where failure.kind == .full:
            return .transient(failure.description)
        case let failure as DispositionError where failure.isTransient:
            return .transient(failure.description)
        case let failure as ImportError:
            switch failure {
            case .unreachable: return .transient(failure.description)
            case .refused(let ecs) where ecs.isRetryable: return .transient(failure.description)
            default: return .permanent(failure.description)
            }
        case let failure as ECSError where failure.isRetryable:
            return .transient(failure.operatorMessage)
        case let failure as TransportError where failure.isRetryable:
            return .transient(failure.description)
        case let failure as HoistRuntimeError:
            if case .transport = failure { return .transient(failure.description) }
            return .permanent(failure.description)
        default:
            return .permanent(String(describing: error))
        }
    }
}
