import Foundation

/// One retry about to happen, for progress displays and logs.
public struct RetryNotice: Sendable, Equatable {
    /// What is being retried, e.g. `part 17` or `CompleteMultipartUpload`.
    public var operation: String
    /// 1 for the first retry.
    public var attempt: Int
    /// Seconds until the retry.
    public var delay: Double
    /// The failure, in one line without secrets.
    public var reason: String
}

extension RetryPolicy {
    /// Runs `operation` until it succeeds, retrying transient failures with back-off and clock
    /// skew after correcting the signing clock. Other failures are rethrown unchanged for the
    /// caller to handle (`NoSuchUpload`, `PartAlreadyExist`, fatal errors).
    ///
    /// With `giveUpAfter` set, an operation that has failed for that long without one success
    /// throws `UploadFailure.gaveUp`; the wait before the last try is cut short so the bound
    /// holds to within one request.
    public func perform<T: Sendable>(
        _ operation: String,
        correctClock: @Sendable (Double) -> Void,
        onRetry: @Sendable (RetryNotice) -> Void,
        _ body: @Sendable () async throws -> T
    ) async throws -> T {
        var attempt = 0
        var clockCorrections = 0
        var firstFailure: ContinuousClock.Instant?
        while true {
            do {
                return try await body()
            } catch {
                let verdict = Self.classify(error)
                let delay: Double
                switch verdict {
                case .transient(let serverDelay):
                    attempt += 1
                    delay = self.delay(attempt: attempt, serverDelay: serverDelay)
                case .clockSkew(let offset):
                    clockCorrections += 1
                    guard let offset, clockCorrections <= maximumClockCorrections else { throw error }
                    correctClock(offset)
                    attempt += 1
                    delay = 0
                case .cancelled:
                    throw CancellationError()
                case .fatal:
                    throw Self.fatalFailure(error, operation: operation)
                case .uploadGone, .partExists, .sourceProblem:
                    throw error
                }
                let now = ContinuousClock.now
                let started = firstFailure ?? now
                firstFailure = started
                var wait = delay
                if let giveUpAfter {
                    let elapsed = Self.seconds(now - started)
                    if elapsed >= giveUpAfter {
                        throw UploadFailure.gaveUp(operation: operation, seconds: giveUpAfter,
                                                   lastError: Self.describe(error))
                    }
                    wait = min(wait, giveUpAfter - elapsed)
                }
                onRetry(RetryNotice(operation: operation, attempt: attempt, delay: wait, reason: Self.describe(error)))
                if wait > 0 { try await Task.sleep(for: .milliseconds(Int64(wait * 1000))) }
                try Task.checkCancellation()
            }
        }
    }

    /// Wraps a failure no retry can fix with the operation it stopped, for the operator.
    static func fatalFailure(_ error: any Error, operation: String) -> any Error {
        switch error {
        case let error as OSSError: UploadFailure.rejected(error, operation: operation)
        case let error as TransportError: UploadFailure.transport(error, operation: operation)
        default: error
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }

    /// One line for an operator: OSS errors with code and request id, others as they describe
    /// themselves. None of the error types carries a secret.
    static func describe(_ error: any Error) -> String {
        String(describing: error)
    }
}
