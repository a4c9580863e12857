import Foundation
import Synchronization

/// One check of `hoist doctor` with its time bound: whatever the check waits for (DNS, a
/// connection, a server that never answers, a `systemctl` that hangs), its line is written
/// within `timeout` seconds, as a failure that says what did not answer in time.
///
/// The bound does not rely on the check cooperating: a body stuck in a blocking call
/// (`getaddrinfo`) is cancelled and left behind, and the report goes on without it.
public struct DoctorCheck: Sendable {
    public var id: String
    public var title: String
    /// Seconds.
    public var timeout: Double
    /// What to do when the check runs out of time (e.g. which network path to look at).
    public var timeoutFix: String

    public init(id: String, title: String, timeout: Double, timeoutFix: String) {
        self.id = id
        self.title = title
        self.timeout = timeout
        self.timeoutFix = timeoutFix
    }

    /// The result of `body`, or a failure when it takes longer than `timeout`.
    public func run(_ body: @escaping @Sendable () async -> DoctorResult) async -> DoctorResult {
        await measure { (await body(), ()) }.result
    }

    /// `body`'s result and what it learnt for later checks (a server date, a client), or a
    /// timeout failure and nil.
    public func measure<Value: Sendable>(
        _ body: @escaping @Sendable () async -> (DoctorResult, Value?)
    ) async -> (result: DoctorResult, value: Value?) {
        let timedOut = DoctorResult.fail(id, title, "no answer within \(DoctorFormat.seconds(timeout))", fix: timeoutFix)
        let gate = FirstAnswer<(DoctorResult, Value?)>()
        let seconds = timeout
        let answer = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<(DoctorResult, Value?), Never>) in
                gate.arm(continuation)
                let work = Task { gate.answer(await body()) }
                gate.setTimer(Task {
                    try? await Task.sleep(for: .seconds(seconds))
                    if !Task.isCancelled, gate.answer((timedOut, nil)) { work.cancel() }
                })
            }
        } onCancel: {
            gate.answer((DoctorResult.skip(id, title, "cancelled"), nil))
        }
        return (answer.0, answer.1)
    }
}

/// Resumes a continuation with the first of several answers; later answers are dropped.
private final class FirstAnswer<Answer: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Answer, Never>?
        var early: Answer?
        var timer: Task<Void, Never>?
        var done = false
    }
    private let state = Mutex(State())

    func arm(_ continuation: CheckedContinuation<Answer, Never>) {
        let early = state.withLock { state -> Answer? in
            if let early = state.early { return early }
            state.continuation = continuation
            return nil
        }
        if let early { continuation.resume(returning: early) }
    }

    func setTimer(_ timer: Task<Void, Never>) {
        let finished = state.withLock { state -> Bool in
            if state.done { return true }
            state.timer = timer
            return false
        }
        if finished { timer.cancel() }
    }

    /// True when this was the first answer.
    @discardableResult
    func answer(_ value: Answer) -> Bool {
        let (continuation, timer, first) = state.withLock { state -> (CheckedContinuation<Answer, Never>?, Task<Void, Never>?, Bool) in
            guard !state.done else { return (nil, nil, false) }
            state.done = true
            if state.continuation == nil { state.early = value }
            defer { state.continuation = nil; state.timer = nil }
            return (state.continuation, state.timer, true)
        }
        timer?.cancel()
        continuation?.resume(returning: value)
        return first
    }
}
