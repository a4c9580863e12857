import Foundation

/// The vocabulary of `ImportRecord.state`: where one ImportImage attempt (one ClientToken) is.
///
/// `submitting` is Hoist's own: the token is committed and ImportImage may or may not have
/// reached ECS, so the next run must reuse the token, never make a new one. The middle states
/// are ECS's image statuses as DescribeImages reports them; `failed` and `cancelled` end an
/// attempt whether ECS or Hoist decided it.
public enum ImportAttemptState: String, Sendable, CaseIterable {
    case submitting = "Submitting"
    case waiting = "Waiting"
    case creating = "Creating"
    case available = "Available"
    case failed = "Failed"
    case cancelled = "Cancelled"

    /// Reads a stored state; any ECS status Hoist does not know counts as still creating, so an
    /// unexpected value keeps the attempt alive (and polled) rather than dropping it.
    public init(stored: String) {
        if let known = ImportAttemptState(rawValue: stored) {
            self = known
        } else if let status = ECSImageStatus(rawValue: stored) {
            self = ImportAttemptState(status)
        } else {
            self = .creating
        }
    }

    public init(_ status: ECSImageStatus) {
        switch status {
        case .waiting: self = .waiting
        case .creating: self = .creating
        case .available: self = .available
        case .createFailed, .unAvailable: self = .failed
        // Not part of an import, but an image that exists and can no longer change.
        case .deprecated: self = .available
        }
    }

    /// No more work will happen under this token.
    public var isFinal: Bool { self == .available || self == .failed || self == .cancelled }
}

extension ImportRecord {
    public var attemptState: ImportAttemptState { ImportAttemptState(stored: state) }
}

/// ImportImage idempotency tokens.
public enum ImportClientToken {
    /// `hoist-` and a random UUID: ASCII, 42 characters (ECS allows 64), and recognisable in
    /// ECS audit logs as coming from Hoist.
    public static func generate() -> String {
        "hoist-" + UUID().uuidString.lowercased()
    }
}
