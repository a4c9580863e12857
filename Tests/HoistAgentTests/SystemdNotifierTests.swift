import Foundation
import Testing
@testable import HoistAgent

/// The notify protocol against a real datagram socket standing in for systemd's.
@Suite struct SystemdNotifierTests {
    /// A bound `SOCK_DGRAM` socket that collects datagrams, as `$NOTIFY_SOCKET` would.
    final class NotifySocket {
        let name: String
        let descriptor: Int32

        init(abstract: Bool) throws {
            let unique = "hoist-notify-" + UUID().uuidString.prefix(8).lowercased()
            name = abstract ? "@" + unique : NSTemporaryDirectory() + unique + ".sock"
            descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
            let bound = SystemdNotifier.withAddress(name) { bind(descriptor, $0, $1) }
            guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
            // A receive never waits for ever: a missing datagram fails the test instead of hanging it.
            var timeout = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }

        deinit {
            close(descriptor)
            if !name.hasPrefix("@") { unlink(name) }
        }

        func receive() -> String? {
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = recv(descriptor, &buffer, buffer.count, 0)
            guard count > 0 else { return nil }
            return String(decoding: buffer[0..<count], as: UTF8.self)
        }
    }

    @Test(arguments: [false, true])
    func sendsEachNotificationAsOneDatagram(abstract: Bool) throws {
        let socket = try NotifySocket(abstract: abstract)
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": socket.name])
        #expect(notifier.isActive)
        notifier.ready(status: "watching /var/spool/hoist/incoming")
        #expect(socket.receive() == "READY=1\nSTATUS=watching /var/spool/hoist/incoming")
        notifier.status("uploading disk.qcow2 43%\n2 queued")
        #expect(socket.receive() == "STATUS=uploading disk.qcow2 43% 2 queued")
        notifier.watchdog()
        #expect(socket.receive() == "WATCHDOG=1")
        notifier.extendTimeout(by: .seconds(30))
        #expect(socket.receive() == "EXTEND_TIMEOUT_USEC=30000000")
        notifier.stopping()
        #expect(socket.receive() == "STOPPING=1")
    }

    @Test func withoutNotifySocketEveryCallIsANoOp() {
        let notifier = SystemdNotifier(environment: [:])
        #expect(!notifier.isActive)
        #expect(!notifier.send(["READY=1"]))
        #expect(notifier.watchdogInterval == nil)
    }

    @Test func aMissingSocketIsNotFatal() {
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": "/nonexistent/notify.sock"])
        #expect(!notifier.send(["READY=1"]))
    }

    @Test func watchdogIntervalHonoursWatchdogPID() {
        let mine = SystemdNotifier(environment: ["WATCHDOG_USEC": "20000000", "WATCHDOG_PID": "4242"],
                                   processID: 4242)
        #expect(mine.watchdogInterval == .seconds(20))
        let other = SystemdNotifier(environment: ["WATCHDOG_USEC": "20000000", "WATCHDOG_PID": "1"], processID: 4242)
        #expect(other.watchdogInterval == nil)
        let unset = SystemdNotifier(environment: ["WATCHDOG_USEC": "500000"], processID: 4242)
        #expect(unset.watchdogInterval == .milliseconds(500))
        #expect(SystemdNotifier(environment: ["WATCHDOG_USEC": "0"]).watchdogInterval == nil)
    }
}
