import Synchronization

/// The counts of one benchmark run, updated from every part's task.
///
/// Invariant: `bytes` counts each acknowledged part once, and after the deadline also the
/// bytes the parts still in flight had sent (their latest attempt's progress), so cutting a
/// long part short does not hide the work the link did.
final class BenchTally: Sendable {
    private struct State {
        var acknowledged: Int64 = 0
        var parts = 0
        var inFlight: [Int: Int64] = [:]
        var retries = 0
        var throttled = 0
        var deadline = false
    }

    private let state = Mutex(State())

    var bytes: Int64 {
        state.withLock { $0.acknowledged + ($0.deadline ? $0.inFlight.values.reduce(0, +) : 0) }
    }
    var parts: Int { state.withLock { $0.parts } }
    var retries: Int { state.withLock { $0.retries } }
    var throttled: Int { state.withLock { $0.throttled } }
    var ranOutOfTime: Bool { state.withLock { $0.deadline } }

    /// Returns the bytes that are new since the part's last report.
    @discardableResult
    func progress(part: Int, cumulative: Int64) -> Int64 {
        state.withLock { state in
            guard !state.deadline else { return 0 }
            let new = max(0, cumulative - (state.inFlight[part] ?? 0))
            state.inFlight[part] = cumulative
            return new
        }
    }

    func partDone(_ part: Int, bytes: Int64) {
        state.withLock { state in
            // After the deadline the part's progress at the deadline already counts.
            guard !state.deadline else { return }
            state.inFlight[part] = nil
            state.acknowledged += bytes
            state.parts += 1
        }
    }

    func retried() { state.withLock { $0.retries += 1 } }

    /// Freezes the in-flight progress: bytes sent after this are not part of the measure.
    func deadlinePassed() {
        state.withLock { $0.deadline = true }
    }

    /// Runs one request attempt, counting an answer that asks to slow down (`SlowDown`, or any
    /// 503 from OSS) before the retry policy sees it.
    func watching<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as OSSError where error.code == "SlowDown" || error.httpStatus == 503 {
            state.withLock { $0.throttled += 1 }
            throw error
        }
    }
}
