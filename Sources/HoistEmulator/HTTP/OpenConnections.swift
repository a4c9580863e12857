import Foundation
import NIOCore

/// The client connections open now, so the network-down fault can cut them all at once.
///
/// `Connection.serve` adds its channel for as long as it serves it. `resetAll()` closes each
/// with `SO_LINGER` 0, which sends a TCP RST: to the client the connection dies mid-exchange,
/// as when a cable is pulled, rather than ending with an orderly FIN it could take for the end
/// of an answer. A connection accepted after the cut is not missed: `Connection` also checks the
/// fault on every request head.
///
/// A connection busy with an admin request is spared: the admin endpoint is how the network is
/// pulled (and put back) over HTTP, so the request that pulls it must get its answer.
final class OpenConnections: Sendable {
    private struct Entry {
        var channel: any Channel
        var servingAdmin = false
    }

    private let entries = Locked([ObjectIdentifier: Entry]())

    /// Tracks `channel` until `remove(_:)`.
    func add(_ channel: any Channel) {
        entries.withLock { $0[ObjectIdentifier(channel)] = Entry(channel: channel) }
    }

    func remove(_ channel: any Channel) {
        entries.withLock { _ = $0.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// Marks whether `channel` is handling an admin request now (spared by `resetAll()`).
    func setServingAdmin(_ channel: any Channel, _ serving: Bool) {
        entries.withLock { $0[ObjectIdentifier(channel)]?.servingAdmin = serving }
    }

    /// Resets every open connection but those serving an admin request; returns how many were
    /// cut. Does not wait for the closes.
    @discardableResult
    func resetAll() -> Int {
        let open = entries.withLock { $0.values.filter { !$0.servingAdmin }.map(\.channel) }
        for channel in open { Self.reset(channel) }
        return open.count
    }

    /// Closes `channel` with a TCP RST (or a plain close where the linger option cannot be set).
    static func reset(_ channel: any Channel) {
        guard let socket = channel as? any SocketOptionProvider else {
            channel.close(promise: nil)
            return
        }
        socket.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in channel.close(promise: nil) }
    }
}
