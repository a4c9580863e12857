import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Turns SIGINT and SIGTERM into a clean stop: the first signal cancels the running work, whose
/// parts in flight end at once while journal commits still finish, so the next run resumes.
/// A second signal exits immediately (the journal is crash-safe; nothing is lost but time).
final class SignalTrap: @unchecked Sendable {
    private let lock = NSLock()
    private var sources: [DispatchSourceSignal] = []
    private var received: Int32?

    init(_ onSignal: @escaping @Sendable (Int32) -> Void) {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in
                guard let self else { return }
                let first = self.lock.withLock { () -> Bool in
                    defer { self.received = self.received ?? number }
                    return self.received == nil
                }
                if first {
                    onSignal(number)
                } else {
                    StandardError.write("\nhoist: stopping now\n")
                    _exit(HoistExit.interrupted)
                }
            }
            source.resume()
            sources.append(source)
        }
    }

    /// The first signal received, if any.
    var signalReceived: Int32? { lock.withLock { received } }

    deinit {
        for source in sources { source.cancel() }
    }
}
