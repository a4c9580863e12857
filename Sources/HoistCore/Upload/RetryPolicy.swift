import Foundation

/// What the engine does after a failed request (DESIGN.md §3 "Retries").
///
/// The classification is a pure function of the error, so it is tested on values; the loop that
/// sleeps and repeats is `RetryPolicy.perform`.
public struct RetryPolicy: Sendable {
    /// How a failure is treated.
    public enum Verdict: Sendable, Equatable {
        /// Try again after a back-off; `serverDelay` is a wait the service asked for
        /// (`x-oss-qos-delay-time`), which the back-off never undercuts.
        case transient(serverDelay: Double?)
        /// The local clock is off: correct the signing clock by `offset` seconds and retry at once.
        case clockSkew(offset: Double?)
        /// The multipart upload ID is gone (expired, aborted or completed): no retry can help;
        /// the caller starts a new upload or checks whether a Complete already succeeded.
        case uploadGone
        /// 409 `PartAlreadyExist`: the server already holds this part; reconcile, do not resend.
        case partExists
        /// The source file cannot be read or changed underneath: a local problem.
        case sourceProblem
        /// The caller stopped (Ctrl-C, SIGTERM).
        case cancelled
        /// Retrying cannot help: credentials, permissions, a missing bucket, a bad request.
        case fatal
    }

    public var backoff: Backoff
    /// How long requests may keep failing, counted from the last success of any request of the
    /// process (not per operation), before the upload gives up; nil waits for ever (the agent's
    /// choice; `hoist upload --give-up-after` bounds it).
    public var giveUpAfter: Double?
    /// Clock corrections in a row before skew is treated as fatal: one correction should fix it,
    /// so repeated skew means the server's `Date` is unusable and retrying would loop.
    public var maximumClockCorrections: Int
    /// Identical answers in a row from something that is not OSS (a proxy's 407, another web
    /// server's 404) before they are taken as the truth and the upload stops.
    public var maximumForeignAnswers: Int
    /// The process's view of the network; parts wait on it while the network is down.
    public var health: NetworkHealth

    public init(backoff: Backoff = Backoff(), giveUpAfter: Double? = nil, maximumClockCorrections: Int = 3,
                maximumForeignAnswers: Int = 3, health: NetworkHealth = .shared) {
        self.backoff = backoff
        self.giveUpAfter = giveUpAfter
        self.maximumClockCorrections = maximumClockCorrections
        self.maximumForeignAnswers = maximumForeignAnswers
        self.health = health
    }

    /// Sorts an error from the OSS client, the transport or the engine into a verdict.
    public static func classify(_ error: any Error, localNow: Date = Date()) -> Verdict {
        switch error {
        case let error as OSSError:
            if error.code == "NoSuchUpload" { return .uploadGone }
            if error.httpStatus == 409, error.code == "PartAlreadyExist" { return .partExists }
            if error.isClockSkew { return .clockSkew(offset: error.clockOffset(localNow: localNow)) }
            if error.isRetryable { return .transient(serverDelay: error.qosDelay) }
            return .fatal
        case let error as TransportError:
            if error.kind == .cancelled { return .cancelled }
            if error.isSourceFailure { return .sourceProblem }
            return error.isRetryable ? .transient(serverDelay: nil) : .fatal
        case is CancellationError:
            return .cancelled
        case let error as PartCheckFailure:
            // A CRC mismatch means bytes were damaged on the way; sending them again fixes it.
            // No CRC at all is the server's (or a gateway's) way of answering, not damage:
            // every retry would get the same answer.
            return error.serverCRC64 == nil ? .fatal : .transient(serverDelay: nil)
        case is OSSXMLError:
            // A garbled answer (a proxy page, a truncated body) is treated like a network error.
            return .transient(serverDelay: nil)
        default:
            return .fatal
        }
    }

    /// Whether `error` means the network path failed below HTTP (and so says nothing about OSS).
    static func isNetworkFailure(_ error: any Error) -> Bool {
        guard let error = error as? TransportError else { return false }
        switch error.kind {
        case .dns, .connect, .timeout, .stalled, .reset, .other: return true
        default: return false
        }
    }

    /// Whether `error` is an answer from OSS itself (it carries OSS's request id): proof that the
    /// network works, whatever the status.
    static func isAnswerFromOSS(_ error: any Error) -> Bool {
        guard let error = error as? OSSError else { return false }
        return error.code != OSSError.notFromOSS && error.requestId != nil
    }

    /// The wait before retry number `attempt` of a transient failure.
    public func delay(attempt: Int, serverDelay: Double?, unit: Double = Double.random(in: 0..<1)) -> Double {
        max(backoff.delay(attempt: attempt, unit: unit), serverDelay ?? 0)
    }
}

/// A part that OSS accepted but whose CRC-64 does not match what was sent: the bytes were
/// damaged on the way, so the part is not journaled and is sent again.
public struct PartCheckFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public var partNumber: Int
    public var sentCRC64: UInt64
    public var serverCRC64: UInt64?

    public var description: String {
        let server = serverCRC64.map(String.init) ?? "none"
        return "part \(partNumber): server CRC-64 \(server) differs from the \(sentCRC64) sent"
    }
}
