import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `hoist-bench delay-line`: accepts TCP connections on `listen`, opens one to `target` for
/// each, and relays both directions through a `DelayPipe` (rtt/2 each way, `window` bytes in
/// flight each way). Runs until killed; prints one "listening" line when ready.
struct DelayLineServer {
    let options: DelayLineOptions

    func run() throws {
        let listener = try Socket.listen(options.listen.host, options.listen.port, buffer: options.socketBuffer)
        // Unbuffered, so a script waiting for this line sees it at once.
        FileHandle.standardOutput.write(Data(("delay-line listening on \(options.listen.host):\(options.listen.port) -> "
            + "\(options.target.host):\(options.target.port), rtt \(options.rtt * 1000) ms, window \(options.window) bytes\n").utf8))
        while true {
            let client = try Socket.accept(listener)
            let acceptedAt = now()
            let server: Int32
            do {
                server = try Socket.connect(options.target.host, options.target.port, buffer: options.socketBuffer)
            } catch {
                FileHandle.standardError.write("delay-line: \(error)\n".data(using: .utf8)!)
                close(client)
                continue
            }
            RelayedConnection(client: client, server: server, options: options, acceptedAt: acceptedAt).start()
        }
    }
}

/// One client connection and its upstream twin: two pipes, four threads. When any side fails,
/// both sockets are shut down so every thread ends; the last thread to end closes them.
final class RelayedConnection: @unchecked Sendable {
    private let client: Int32
    private let server: Int32
    private let options: DelayLineOptions
    private let acceptedAt: Double
    private let running = NSLock()
    private var threadsLeft = 4

    init(client: Int32, server: Int32, options: DelayLineOptions, acceptedAt: Double) {
        self.client = client
        self.server = server
        self.options = options
        self.acceptedAt = acceptedAt
    }

    func start() {
        let finished: @Sendable () -> Void = { [self] in threadEnded() }
        let broken: @Sendable () -> Void = { [self] in
            shutdown(client, Int32(SHUT_RDWR))
            shutdown(server, Int32(SHUT_RDWR))
        }
        // Client to server waits for the modelled handshake; the answer needs no such wait, the
        // request it answers already paid for it.
        DelayPipe(from: client, to: server, rtt: options.rtt, window: options.window,
                  startAt: acceptedAt + options.rtt, finished: finished, broken: broken).start()
        DelayPipe(from: server, to: client, rtt: options.rtt, window: options.window,
                  startAt: acceptedAt, finished: finished, broken: broken).start()
    }

    private func threadEnded() {
        running.lock()
        threadsLeft -= 1
        let last = threadsLeft == 0
        running.unlock()
        if last {
            close(client)
            close(server)
        }
    }
}
