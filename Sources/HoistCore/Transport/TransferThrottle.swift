import CCurl

/// The transport thread's side of the `BandwidthBudget`: pauses a transfer whose read finds the
/// budget empty and resumes paused transfers, oldest first, as tokens come back.
///
/// Why pausing the read callback (`CURL_READFUNC_PAUSE`, then `curl_easy_pause` to resume) and
/// not `CURLOPT_MAX_SEND_SPEED_LARGE` re-divided among transfers:
/// - **Accuracy.** One bucket caps the *sum* exactly. A per-transfer limit of `rate / n` wastes
///   the share of every transfer that is connecting, waiting for `100 Continue` or for its
///   response, so the sum falls short of the cap, and it must be re-set on every start, finish
///   and rate change while libcurl averages each transfer over its own history.
/// - **Low CPU, no busy loop.** A paused transfer costs nothing; the loop sleeps in
///   `curl_multi_poll` until the next quantum is due (at most 1 s, the loop's usual bound).
/// - **Fairness, and no false stalls.** Paused transfers wait in a FIFO queue and are resumed
///   in turn, as many as there are quanta, so every part advances at about `rate / n` and none
///   starves. libcurl 7.x applies its low-speed abort to a send-paused transfer too (only 8.x
///   exempts it), so the transport lowers each transfer's threshold below its fair share
///   (`BandwidthBudget.stallThreshold`): a capped part is never taken for a stalled one, while
///   a path that moves nothing still is.
/// - **Bounded memory.** Bytes are still read with `pread` into libcurl's buffer only once
///   granted; nothing is buffered while waiting.
///
/// Invariant: a transfer is in `waiting` exactly while its read callback is paused by the
/// budget. Touched only on the transport thread.
final class TransferThrottle {
    let budget: BandwidthBudget
    private var waiting: [Transfer] = []

    init(budget: BandwidthBudget) {
        self.budget = budget
    }

    /// Bytes `transfer` may read now (at most `wanted`); 0 means it must pause, and it is queued.
    func grant(_ transfer: Transfer, wanted: Int) -> Int {
        let granted = budget.grant(upTo: wanted)
        if granted == 0 { waiting.append(transfer) }
        return granted
    }

    /// Resumes the transfers whose turn has come: all when there is no cap, else one per quantum
    /// available (at least one), oldest first. A resumed transfer that finds the budget empty
    /// again re-queues itself at the back.
    func resumeDue() {
        guard !waiting.isEmpty else { return }
        let turns: Int
        switch budget.readiness() {
        case .unlimited: turns = waiting.count
        case .ready(let available): turns = min(max(1, available), waiting.count)
        case .wait: return
        }
        let due = waiting.prefix(turns)
        waiting.removeFirst(turns)
        for transfer in due { _ = curl_easy_pause(transfer.easy, Int32(CURLPAUSE_CONT)) }
    }

    /// How long the loop may sleep before a waiting transfer is due, in milliseconds; nil when
    /// nobody waits. Called after `curl_multi_perform`, when resumed transfers have drawn.
    func sleepBound() -> Int? {
        guard !waiting.isEmpty else { return nil }
        switch budget.readiness() {
        case .unlimited, .ready: return 0
        case .wait(let seconds): return max(1, Int((seconds * 1000).rounded(.up)))
        }
    }

    /// Forgets a transfer leaving the loop (finished, cancelled, shut down).
    func forget(_ transfer: Transfer) {
        waiting.removeAll { $0 === transfer }
    }
}
