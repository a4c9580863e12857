import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Calls `onHangup` for every SIGHUP, one at a time, off the signal handler: the agent's
/// "reload the config" signal (`systemctl reload hoist` sends it). Unchecked: the source is
/// only set in `init` and cancelled in `deinit`; Dispatch serialises its handler.
final class HangupTrap: @unchecked Sendable {
    private let source: any DispatchSourceSignal

    init(_ onHangup: @escaping @Sendable () -> Void) {
        signal(SIGHUP, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: DispatchQueue(label: "hoist.sighup"))
        source.setEventHandler(handler: onHangup)
        source.resume()
    }

    deinit { source.cancel() }
}
