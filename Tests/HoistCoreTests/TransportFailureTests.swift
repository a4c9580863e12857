import Foundation
import Synchronization
import Testing
@testable import HoistCore

/// Failures below HTTP must come back as the right `TransportError` kind, quickly, because the
/// part scheduler decides retries from the kind alone.
@Suite(.serialized) struct TransportFailureTests {
    func withServer<T>(_ options: TransportOptions = TransportTests.quick, _ body: (TransportTestServer, Transport) async throws -> T) async throws -> T {
        let server = try TransportTestServer()
        defer { server.stop() }
        let transport = try Transport(options: options)
        defer { transport.shutdown() }
        return try await body(server, transport)
    }

    /// The error `operation` throws, recording an issue if it returns or throws something else.
    func failure(_ operation: () async throws -> HTTPResponse) async -> TransportError? {
        do {
            let response = try await operation()
            Issue.record("expected a TransportError, got status \(response.status)")
        } catch let error as TransportError {
            return error
        } catch {
            Issue.record("expected a TransportError, got \(error)")
        }
        return nil
    }

    @Test func refusedConnectionIsConnect() async throws {
        try await withServer { server, transport in
            let error = await failure { try await transport.send(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(server.closedPort)/")) }
            #expect(error?.kind == .connect)
            #expect(error?.isRetryable == true)
            #expect(error?.curlCode == 7)
        }
    }

    @Test func unresolvableHostIsDNS() async throws {
        let transport = try Transport(options: TransportTests.quick)
        defer { transport.shutdown() }
        let error = await failure { try await transport.send(HTTPRequest(method: "GET", url: "http://no-such-host.invalid/")) }
        #expect(error?.kind == .dns)
    }

    @Test func malformedURLIsInvalidRequest() async throws {
        let transport = try Transport(options: TransportTests.quick)
        defer { transport.shutdown() }
        let error = await failure { try await transport.send(HTTPRequest(method: "GET", url: "ftp://127.0.0.1/x")) }
        #expect(error?.kind == .invalidRequest)
        #expect(error?.isRetryable == false)
    }

    @Test func connectionDroppedMidBodyIsReset() async throws {
        let file = try TransportTestFile(size: 8 * 1024 * 1024)
        let region = FileRegion(fd: file.fd, offset: 0, length: Int64(file.bytes.count))
        try await withServer { server, transport in
            let error = await failure { try await transport.send(HTTPRequest(method: "PUT", url: server.url("/drop?after=65536"), body: .file(region))) }
            #expect(error?.kind == .reset)
            #expect(error?.isRetryable == true)
        }
    }

    /// The server goes silent for 120 s; with no total timeout, only the low-speed window can end
    /// the transfer, so the kind alone proves the stall was detected (a closed connection would
    /// be a different kind).
    @Test func silentServerIsStalledWithinTheWindow() async throws {
        var options = TransportTests.quick
        options.stallSeconds = 2
        options.stallBytesPerSecond = 1000
        options.totalTimeout = nil
        try await withServer(options) { server, transport in
            let error = await failure { try await transport.send(HTTPRequest(method: "GET", url: server.url("/stall"))) }
            #expect(error?.kind == .stalled)
            #expect(error?.isRetryable == true)
        }
    }

    /// The low-speed window is far longer than the request's own timeout, so `.timeout` (not
    /// `.stalled`) shows the per-request bound ended it.
    @Test func totalTimeoutIsTimeout() async throws {
        var options = TransportTests.quick
        options.stallSeconds = 600
        try await withServer(options) { server, transport in
            let error = await failure { try await transport.send(HTTPRequest(method: "GET", url: server.url("/stall"), timeout: 1)) }
            #expect(error?.kind == .timeout)
        }
    }

    @Test func fileTruncatedDuringUploadIsSourceChanged() async throws {
        var options = TransportTests.quick
        options.uploadBufferSize = 256 * 1024
        let file = try TransportTestFile(size: 4 * 1024 * 1024)
        let region = FileRegion(fd: file.fd, offset: 0, length: Int64(file.bytes.count))
        let path = file.path
        try await withServer(options) { server, transport in
            // Truncating from the progress callback makes the race deterministic: the next read
            // libcurl asks for hits the new end of file.
            let error = await failure {
                try await transport.send(HTTPRequest(method: "PUT", url: server.url("/echo"), body: .file(region))) { sent in
                    if sent >= 256 * 1024 { _ = truncate(path, 1024) }
                }
            }
            #expect(error?.kind == .sourceChanged)
            #expect(error?.isRetryable == false)
            #expect(error?.isSourceFailure == true)
        }
    }

    @Test func unreadableSourceIsSourceRead() async throws {
        let file = try TransportTestFile(size: 128 * 1024)
        let writeOnly = open(file.path, O_WRONLY)
        defer { close(writeOnly) }
        try await withServer { server, transport in
            let region = FileRegion(fd: writeOnly, offset: 0, length: 128 * 1024)
            let error = await failure { try await transport.send(HTTPRequest(method: "PUT", url: server.url("/echo"), body: .file(region))) }
            #expect(error?.kind == .sourceRead)
            #expect(error?.isRetryable == false)
        }
    }

    /// Waits until the server reports a `/stall` request in progress: the event that a request
    /// is in flight, instead of a sleep that hopes so.
    func awaitStalling(_ server: TransportTestServer, _ transport: Transport) async throws {
        let stalling = try await transport.send(HTTPRequest(method: "GET", url: server.url("/stalling"), timeout: 90))
        try #require(stalling.status == 200, "no /stall request began")
    }

    /// The stalled request has neither a timeout nor a low-speed window that could end it within
    /// the server's 120 s silence, so `.cancelled` proves the cancellation itself ended it.
    @Test func cancellingTheTaskCancelsPromptly() async throws {
        var options = TransportTests.quick
        options.stallSeconds = 600
        options.totalTimeout = nil
        try await withServer(options) { server, transport in
            let task = Task { try await transport.send(HTTPRequest(method: "GET", url: server.url("/stall"))) }
            try await awaitStalling(server, transport)
            task.cancel()
            let error = await failure { try await task.value }
            #expect(error?.kind == .cancelled)
            // The transport still works afterwards.
            let after = try await transport.send(HTTPRequest(method: "GET", url: server.url("/echo")))
            #expect(after.status == 200)
        }
    }

    @Test func alreadyCancelledTaskFailsWithoutSending() async throws {
        try await withServer { server, transport in
            let task = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                return try await transport.send(HTTPRequest(method: "GET", url: server.url("/stall")))
            }
            let error = await failure { try await task.value }
            #expect(error?.kind == .cancelled)
        }
    }

    @Test func oversizedResponseIsRejected() async throws {
        var options = TransportTests.quick
        options.maxResponseBodyBytes = 10
        try await withServer(options) { server, transport in
            let error = await failure {
                try await transport.send(HTTPRequest(method: "PUT", url: server.url("/echo?echo=1"), body: .bytes([UInt8](repeating: 7, count: 100))))
            }
            #expect(error?.kind == .responseTooLarge)
        }
    }

    @Test func shutdownFailsInFlightAndLaterSends() async throws {
        var options = TransportTests.quick
        options.stallSeconds = 600
        options.totalTimeout = nil
        try await withServer(options) { server, transport in
            let task = Task { try await transport.send(HTTPRequest(method: "GET", url: server.url("/stall"))) }
            try await awaitStalling(server, transport)
            transport.shutdown()
            let inFlight = await failure { try await task.value }
            #expect(inFlight?.kind == .cancelled)
            let later = await failure { try await transport.send(HTTPRequest(method: "GET", url: server.url("/echo"))) }
            #expect(later?.kind == .cancelled)
        }
    }
}

extension TransportFailureTests {
    /// A peer that stops reading mid-upload: libcurl's speed average spans the last few seconds,
    /// so the initial burst into socket buffers delays detection past the window. With no total
    /// timeout, `.stalled` proves the low-speed window ended it.
    @Test func peerThatStopsReadingIsStalled() async throws {
        var options = TransportTests.quick
        options.stallSeconds = 2
        options.stallBytesPerSecond = 1000
        options.totalTimeout = nil
        let file = try TransportTestFile(size: 24 * 1024 * 1024)
        let region = FileRegion(fd: file.fd, offset: 0, length: Int64(file.bytes.count))
        try await withServer(options) { server, transport in
            let error = await failure { try await transport.send(HTTPRequest(method: "PUT", url: server.url("/stall"), body: .file(region))) }
            #expect(error?.kind == .stalled)
        }
    }
}
