import CCurl
import Dispatch
import Foundation
import Synchronization

/// The transport thread: one libcurl multi handle, driven by `curl_multi_poll`, that owns every
/// transfer in flight.
///
/// libcurl handles are not thread-safe, so nothing but this thread touches the multi handle or an
/// added easy handle. Other threads talk to it only through the locked inbox, then nudge it with
/// `curl_multi_wakeup` (the one multi call libcurl allows from any thread). The per-byte work
/// of its transfers (a `pread` into libcurl's buffer, a CRC update, the `send`) all runs here,
/// so `Transport` runs several loops when it has the cores.
final class TransferLoop: @unchecked Sendable {
    private struct Inbox {
        var adds: [Transfer] = []
        var cancels: [UInt64] = []
        var stopping = false
        /// Set just before the multi handle is destroyed; no wakeup may follow.
        var closed = false
    }

    private let inbox = Mutex(Inbox())
    /// The `CURLM *` handle.
    private let multi: UnsafeMutableRawPointer
    private let ids = Atomic<UInt64>(0)
    /// Requests `Transport` has given this loop and not yet seen answered: how it picks a loop.
    let inFlight = Atomic<Int>(0)
    private let exited = DispatchSemaphore(value: 0)
    private let loopThread = Mutex<pthread_t?>(nil)
    /// Transfers added to the multi handle, by easy handle. Touched only on the loop thread.
    private var active: [UnsafeMutableRawPointer: Transfer] = [:]
    /// Pauses and resumes transfers for the bandwidth budget; nil without one.
    private let throttle: TransferThrottle?

    static let shutdownError = TransportError(kind: .cancelled, message: "the transport was shut down")
    static let cancelledError = TransportError(kind: .cancelled, message: "the request was cancelled")

    init(options: TransportOptions, bandwidth: BandwidthBudget? = nil) throws {
        CurlGlobal.initializeOnce()
        guard let multi = curl_multi_init() else {
            throw TransportError(kind: .other, message: "curl_multi_init failed")
        }
        self.multi = multi
        self.throttle = bandwidth.map(TransferThrottle.init(budget:))
        _ = hoist_curl_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, max(0, options.maxHostConnections))
        _ = hoist_curl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, max(1, options.maxCachedConnections))
        let thread = Thread { [self] in run() }
        thread.name = "hoist-transport"
        thread.start()
    }

    func nextID() -> UInt64 {
        ids.add(1, ordering: .relaxed).newValue
    }

    /// Hands a configured transfer to the loop. The cancellation check sits inside the lock that
    /// `cancel` also takes, so a cancellation is either seen here or finds the transfer queued.
    func submit(_ transfer: Transfer) {
        let rejection: TransportError? = inbox.withLock { box in
            if box.stopping { return Self.shutdownError }
            if Task.isCancelled { return Self.cancelledError }
            box.adds.append(transfer)
            _ = curl_multi_wakeup(multi)
            return nil
        }
        if let rejection { transfer.finish(.failure(rejection)) }
    }

    /// Asks the loop to drop a transfer; unknown or finished ids are ignored.
    func cancel(_ id: UInt64) {
        inbox.withLock { box in
            guard !box.closed else { return }
            box.cancels.append(id)
            _ = curl_multi_wakeup(multi)
        }
    }

    /// Stops the thread, failing everything in flight with `.cancelled`, and waits for it to exit
    /// (unless called from the loop thread itself, e.g. from a progress callback).
    func stop() {
        inbox.withLock { box in
            guard !box.stopping else { return }
            box.stopping = true
            _ = curl_multi_wakeup(multi)
        }
        let onLoopThread = loopThread.withLock { thread in
            thread.map { pthread_equal($0, pthread_self()) != 0 } ?? false
        }
        guard !onLoopThread else { return }
        exited.wait()
        exited.signal()  // let any other waiter through as well
    }

    private func run() {
        loopThread.withLock { $0 = pthread_self() }
        while true {
            let (adds, cancels, stopping) = inbox.withLock { box in
                defer { box.adds.removeAll(); box.cancels.removeAll() }
                return (box.adds, box.cancels, box.stopping)
            }
            if stopping {
                for transfer in adds { transfer.finish(.failure(Self.shutdownError)) }
                break
            }
            for transfer in adds { start(transfer) }
            for id in cancels { drop(id) }
            throttle?.resumeDue()
            var running: Int32 = 0
            _ = curl_multi_perform(multi, &running)
            collectFinished()
            // Sleeps until a socket is ready, libcurl's next timer, a wakeup, or the next
            // transfer paused by the bandwidth budget is due.
            let timeout = min(1000, throttle?.sleepBound() ?? 1000)
            _ = curl_multi_poll(multi, nil, 0, Int32(timeout), nil)
        }
        for (easy, transfer) in active {
            throttle?.forget(transfer)
            _ = curl_multi_remove_handle(multi, easy)
            transfer.releaseHandle()
            transfer.finish(.failure(Self.shutdownError))
        }
        active.removeAll()
        inbox.withLock { $0.closed = true }
        _ = curl_multi_cleanup(multi)
        exited.signal()
    }

    private func start(_ transfer: Transfer) {
        let code = curl_multi_add_handle(multi, transfer.easy)
        guard code == CURLM_OK else {
            transfer.releaseHandle()
            let text = String(cString: curl_multi_strerror(code))
            transfer.finish(.failure(TransportError(kind: .other, message: "curl_multi_add_handle: \(text)")))
            return
        }
        transfer.throttle = throttle
        active[transfer.easy] = transfer
    }

    private func drop(_ id: UInt64) {
        guard let (easy, transfer) = active.first(where: { $0.value.id == id }) else { return }
        active.removeValue(forKey: easy)
        throttle?.forget(transfer)
        _ = curl_multi_remove_handle(multi, easy)
        transfer.releaseHandle()
        transfer.finish(.failure(Self.cancelledError))
    }

    private func collectFinished() {
        var queued: Int32 = 0
        while let message = curl_multi_info_read(multi, &queued) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle,
                  let transfer = active.removeValue(forKey: easy) else { continue }
            // Read the code before removing the handle: that invalidates the message.
            let result = transfer.outcome(message.pointee.data.result)
            throttle?.forget(transfer)
            _ = curl_multi_remove_handle(multi, easy)
            transfer.releaseHandle()
            transfer.finish(result)
        }
    }
}
