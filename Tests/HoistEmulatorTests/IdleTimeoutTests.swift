import Foundation
import Testing
@testable import HoistEmulator

/// A client that stops sending must not hold a connection for ever; a server that is slow to
/// answer must not be mistaken for an idle client.
@Suite struct IdleTimeoutTests {
    /// Runs `body` against an emulator that closes idle connections after one second.
    func withIdleEmulator(_ body: (Emulator) async throws -> Void) async throws {
        let emulator = try await Emulator.start(idleTimeoutSeconds: 1)
        do { try await body(emulator) } catch { try await emulator.server.shutdown(); throw error }
        try await emulator.server.shutdown()
    }

    @Test func clientThatStopsMidBodyIsDisconnected() async throws {
        try await withIdleEmulator { emu in
            let socket = try RawClient(port: emu.server.port)
            defer { socket.close() }
            try socket.send("PUT /\(emu.bucket)/stalled HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n")
            try socket.send(String(repeating: "x", count: 1000))
            // The server closes the connection: the read ends instead of waiting for an answer.
            #expect(await socket.readUntilClosed() == .closed)
            try await waitForConnectionsClosed(emu)
            let counters = emu.server.counters.snapshot()
            #expect(counters.idleConnectionsClosed == 1)
            #expect(counters.responses("PutObject", status: 200) == 0, "nothing half-sent was stored")
            #expect(try await emu.curl("-I", emu.url("stalled")).status == 404)
        }
    }

    @Test func idleKeepAliveConnectionIsClosed() async throws {
        try await withIdleEmulator { emu in
            let socket = try RawClient(port: emu.server.port)
            defer { socket.close() }
            #expect(await socket.readUntilClosed() == .closed)
            try await waitForConnectionsClosed(emu)
            #expect(emu.server.counters.snapshot().idleConnectionsClosed == 1)
        }
    }

    /// Latency longer than the idle timeout is server time, not client idleness: served in full.
    @Test func slowServerAnswerIsNotIdleness() async throws {
        try await withIdleEmulator { emu in
            emu.server.faults.addLatency(LatencyFault(operation: "PutObject", milliseconds: 2500))
            let file = try TempFile(LCG.bytes(10_000))
            defer { file.remove() }
            let put = try await emu.curl("-X", "PUT", "--data-binary", "@\(file.path)", "-H", "Content-Type:", emu.url("slow"))
            #expect(put.status == 200)
            #expect(emu.server.counters.snapshot().idleConnectionsClosed == 0)
        }
    }
}

/// Polls until the emulator has no client connection open (a generous bound, for a stuck server).
func waitForConnectionsClosed(_ emu: Emulator, timeout: Double = 60) async throws {
    let deadline = Date().addingTimeInterval(timeout)
    while emu.server.counters.connectionsOpen > 0 {
        guard Date() < deadline else { throw TestFailure("\(emu.server.counters.connectionsOpen) connection(s) still open") }
        try await Task.sleep(for: .milliseconds(10))
    }
}

/// A bare TCP client, to send exactly the bytes a misbehaving client would.
final class RawClient: @unchecked Sendable {
    enum ReadEnd: Equatable { case closed, timedOut }
    private let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket: \(errno)") }
        var timeout = timeval(tv_sec: 60, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { Glibc.close(fd); throw TestFailure("connect: \(errno)") }
    }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw TestFailure("send: \(errno)") }
            sent += n
        }
    }

    /// Reads until the server closes (EOF or reset) or the 60 s backstop passes. The blocking
    /// read runs on its own thread: blocking a cooperative-pool thread would starve the very
    /// tasks that serve the connection.
    func readUntilClosed() async -> ReadEnd {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: self.blockingRead()) }
        }
    }

    private func blockingRead() -> ReadEnd {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n > 0 { continue }
            if n == 0 { return .closed }
            if errno == EINTR { continue }
            return errno == EAGAIN || errno == EWOULDBLOCK ? .timedOut : .closed
        }
    }

    func close() { Glibc.close(fd) }
}
