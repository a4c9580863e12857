import Foundation

/// The running counts of one upload run, updated from part tasks and the transport thread.
///
/// Progress callbacks arrive on the transport thread many times a second, so every update is a
/// few arithmetic operations under a lock, and `UploadProgress` snapshots are taken only when a
/// display asks (throttled by `due()`).
final class UploadMeter: @unchecked Sendable {
    private let lock = NSLock()
    private let started = ContinuousClock.now
    private let emitInterval: Duration
    private var lastEmit: ContinuousClock.Instant?

    private var totalBytes: Int64 = 0
    private var partCount = 0
    private var doneBytes: Int64 = 0
    private var partsDone = 0
    private var inFlight: [Int: Int64] = [:]
    private var bytesSent: Int64 = 0
    private var bytesResent: Int64 = 0
    private var partsSent = 0
    private var retries = 0
    /// (seconds since start, bytesSent) samples for the recent rate.
    private var samples: [(Double, Int64)] = []

    /// The runtime's parts-in-flight budget, whose size each snapshot reports.
    private let budget: PartBudget?

    init(emitInterval: Duration = .milliseconds(250), budget: PartBudget? = nil) {
        self.emitInterval = emitInterval
        self.budget = budget
    }

    /// Sets the work for a (new) plan; `safeBytes` of `safeParts` are already done.
    func plan(totalBytes: Int64, partCount: Int, safeParts: Int, safeBytes: Int64) {
        lock.withLock {
            self.totalBytes = totalBytes
            self.partCount = partCount
            self.partsDone = safeParts
            self.doneBytes = safeBytes
            self.inFlight = [:]
        }
    }

    /// A new attempt at a part begins.
    func attemptStarted(part: Int) {
        lock.withLock { inFlight[part] = 0 }
    }

    /// The transport reports `cumulative` body bytes handed over for the current attempt;
    /// returns the bytes that are new since its last report.
    @discardableResult
    func sent(part: Int, cumulative: Int64) -> Int64 {
        lock.withLock {
            let before = inFlight[part] ?? 0
            let new = max(0, cumulative - before)
            bytesSent += new
            inFlight[part] = cumulative
            return new
        }
    }

    /// An attempt failed and will be retried: its bytes count as re-sent.
    func attemptFailed(part: Int) {
        lock.withLock {
            bytesResent += inFlight[part] ?? 0
            inFlight[part] = nil
            retries += 1
        }
    }

    /// Counts a retry of a non-part request (Initiate, Complete, ListParts).
    func retried() {
        lock.withLock { retries += 1 }
    }

    /// Bytes of a part the server already had from an earlier run that died before journaling it.
    func resent(bytes: Int64) {
        lock.withLock { bytesResent += bytes }
    }

    func partDone(part: Int, bytes: Int64, sent: Bool) {
        lock.withLock {
            inFlight[part] = nil
            doneBytes += bytes
            partsDone += 1
            if sent { partsSent += 1 }
        }
    }

    func partAbandoned(part: Int) {
        lock.withLock { _ = inFlight.removeValue(forKey: part) }
    }

    /// True at most once per interval: whether a progress event should go out now.
    func due() -> Bool {
        lock.withLock {
            let now = ContinuousClock.now
            if let lastEmit, now - lastEmit < emitInterval { return false }
            lastEmit = now
            return true
        }
    }

    var snapshot: UploadProgress {
        lock.withLock {
            let elapsed = RetryPolicy.seconds(ContinuousClock.now - started)
            samples.append((elapsed, bytesSent))
            // Keep about five seconds of history: long enough to smooth bursts, short enough that
            // the rate and ETA follow a link that slows down.
            while samples.count > 2, let first = samples.first, elapsed - first.0 > 5 { samples.removeFirst() }
            var rate = 0.0
            if let first = samples.first, elapsed - first.0 > 0.2 {
                rate = Double(bytesSent - first.1) / (elapsed - first.0)
            } else if elapsed > 0 {
                rate = Double(bytesSent) / elapsed
            }
            return UploadProgress(totalBytes: totalBytes, bytesDone: min(doneBytes + inFlight.values.reduce(0, +), totalBytes),
                                  bytesSent: bytesSent, bytesResent: bytesResent, partsDone: partsDone, partCount: partCount,
                                  partsInFlight: inFlight.count, partsAllowed: budget?.size, retries: retries,
                                  elapsed: elapsed, bytesPerSecond: rate)
        }
    }

    var totals: (bytesSent: Int64, bytesResent: Int64, partsSent: Int, retries: Int, elapsed: Double) {
        lock.withLock {
            (bytesSent, bytesResent, partsSent, retries, RetryPolicy.seconds(ContinuousClock.now - started))
        }
    }
}
