import Foundation

/// One retry about to happen, for progress displays and logs.
public struct RetryNotice: Sendable, Equatable {
    /// What is being retried, e.g. `part 17` or `CompleteMultipartUpload`.
    public var operation: String
    /// 1 for the first retry.
    public var attempt: Int
    /// Seconds until the retry; 0 when `waitsForNetwork`.
    public var delay: Double
    /// The failure, in one line without secrets.
    public var reason: String
    /// The retry waits for the shared network view to see the network back, not for a delay
    /// (`UploadEvent.networkDown` / `.networkBack` say when).
    public var waitsForNetwork: Bool = false
}

extension RetryPolicy {
    /// Runs `operation` until it succeeds, retrying transient failures with back-off and clock
    /// skew after correcting the signing clock. Other failures are rethrown unchanged for the
    /// caller to handle (`NoSuchUpload`, `PartAlreadyExist`), or wrapped as the `UploadFailure`
    /// an operator reads when no retry can help.
    ///
    /// Every outcome is reported to `health`. With a `probe`, a network-class failure does not
    /// start this operation's own back-off: the operation waits on `health` until the network is
    /// back (woken with a small jitter), and uses its back-off only when the network turns out
    /// to have been up all along (a failure of this request alone).
    ///
    /// With `giveUpAfter` set, failing for that long since the last success of any request
    /// throws `UploadFailure.gaveUp`; waits are cut short so the bound holds to within a request.
    public func perform<T: Sendable>(
        _ operation: String,
        correctClock: @Sendable (Double) -> Void,
        onRetry: @Sendable (RetryNotice) -> Void,
        probe: (@Sendable () async -> Bool)? = nil,
        _ body: @Sendable () async throws -> T
    ) async throws -> T {
        var attempt = 0
        var clockCorrections = 0
        var foreign = ForeignAnswers()
        while true {
            let started = ContinuousClock.now
            do {
                let value = try await body()
                await health.succeeded(startedAt: started)
                return value
            } catch {
                if Self.isAnswerFromOSS(error) { await health.reachable(startedAt: started) }
                let delay: Double
                switch Self.classify(error) {
                case .transient(let serverDelay):
                    attempt += 1
                    delay = self.delay(attempt: attempt, serverDelay: serverDelay)
                    if let status = foreign.count(error), status.times >= maximumForeignAnswers {
                        throw UploadFailure.notOSS(operation: operation, status: status.status)
                    }
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
                if let probe, Self.isNetworkFailure(error) {
                    onRetry(RetryNotice(operation: operation, attempt: attempt, delay: 0, reason: Self.describe(error),
                                        waitsForNetwork: true))
                    switch await health.waitAfterFailure(startedAt: started, giveUpAfter: giveUpAfter, probe: probe) {
                    case .afterOutage:
                        // The network was down, not this request's path: start afresh, no back-off.
                        attempt = 0
                        try await Task.sleep(for: health.jitter())
                        continue
                    case .deadlinePassed:
                        throw UploadFailure.gaveUp(operation: operation, seconds: giveUpAfter ?? 0,
                                                   lastError: Self.describe(error))
                    case .wasUp:
                        try Task.checkCancellation()
                    }
                }
                let wait = try await boundedWait(delay, operation: operation, error: error)
                onRetry(RetryNotice(operation: operation, attempt: attempt, delay: wait, reason: Self.describe(error)))
                if wait > 0 { try await Task.sleep(for: .milliseconds(Int64(wait * 1000))) }
                try Task.checkCancellation()
            }
        }
    }

    /// `delay`, cut to what is left of `giveUpAfter` since the last success of any request;
    /// throws `gaveUp` when nothing is left.
    private func boundedWait(_ delay: Double, operation: String, error: any Error) async throws -> Double {
        guard let giveUpAfter else { return delay }
        let elapsed = await health.secondsSinceLastSuccess()
        if elapsed >= giveUpAfter {
            throw UploadFailure.gaveUp(operation: operation, seconds: giveUpAfter, lastError: Self.describe(error))
        }
        return min(delay, giveUpAfter - elapsed)
    }

    /// Wraps a failure no retry can fix with the operation it stopped, for the operator.
    static func fatalFailure(_ error: any Error, operation: String) -> any Error {
        switch error {
        case let error as OSSError: UploadFailure.rejected(error, operation: operation)
        case let error as TransportError: UploadFailure.transport(error, operation: operation)
        case let error as PartCheckFailure where error.serverCRC64 == nil: UploadFailure.crcHeaderMissing(operation: operation)
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

/// Counts identical answers in a row from something that is not OSS (`OSSError.notFromOSS`),
/// so a proxy's 407 or a wrong endpoint's 404 becomes a named error instead of a retry loop.
struct ForeignAnswers {
    private var status: Int?
    private var times = 0

    /// Records `error`; returns the status and how many times in a row it came, or nil (and
    /// forgets the run) when `error` is not a foreign answer.
    mutating func count(_ error: any Error) -> (status: Int, times: Int)? {
        guard let error = error as? OSSError, error.code == OSSError.notFromOSS else {
            status = nil
            times = 0
            return nil
        }
        times = status == error.httpStatus ? times + 1 : 1
        status = error.httpStatus
        return (error.httpStatus, times)
    }
}
