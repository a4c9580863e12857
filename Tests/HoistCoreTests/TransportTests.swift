import Foundation
import Synchronization
import Testing
@testable import HoistCore

/// Round trips through the real libcurl transport against a real HTTP/1.1 server on loopback.
/// Serialized because several tests measure time and the build machine is shared.
@Suite(.serialized) struct TransportTests {
    static var quick: TransportOptions {
        var o = TransportOptions()
        o.connectTimeout = 3
        o.totalTimeout = 20
        o.stallSeconds = 5
        return o
    }

    /// Runs `body` with a fresh server and transport, and always stops both.
    func withServer<T>(_ options: TransportOptions = quick, _ body: (TransportTestServer, Transport) async throws -> T) async throws -> T {
        let server = try TransportTestServer()
        defer { server.stop() }
        let transport = try Transport(options: options)
        defer { transport.shutdown() }
        return try await body(server, transport)
    }

    func transportError(_ operation: () async throws -> HTTPResponse) async -> TransportError? {
        do {
            let response = try await operation()
            Issue.record("expected a TransportError, got status \(response.status)")
            return nil
        } catch let error as TransportError {
            return error
        } catch {
            Issue.record("expected a TransportError, got \(error)")
            return nil
        }
    }

    @Test func getSendsExactlyTheCallersHeaders() async throws {
        try await withServer { server, transport in
            let response = try await transport.send(HTTPRequest(method: "GET", url: server.url("/echo"), headers: [("X-Custom", "1")]))
            #expect(response.status == 200)
            #expect(response.header("x-method") == "GET")
            #expect(response.header("X-Header-Names") == "host,user-agent,x-custom")
            #expect(response.bytesSent == 0 && response.sentBodyCRC64 == 0)
        }
    }

    @Test func putBytesReportsCRCAndLength() async throws {
        try await withServer { server, transport in
            let body = Array("hello, oss".utf8)
            let response = try await transport.send(HTTPRequest(method: "PUT", url: server.url("/echo"), body: .bytes(body)))
            #expect(response.status == 200)
            #expect(response.header("X-Received-Length") == "\(body.count)")
            #expect(response.header("X-Received-CRC32") == "\(TransportTestCRC32.checksum(body))")
            #expect(response.sentBodyCRC64 == CRC64.checksum(body))
            #expect(response.bytesSent == Int64(body.count))
            // Small bodies skip Expect; PUT gets no invented Content-Type.
            #expect(response.header("X-Header-Names") == "host,user-agent,content-length")
        }
    }

    @Test func postEchoesBodyWithOnlyTheCallersContentType() async throws {
        try await withServer { server, transport in
            let xml = Array("<Complete/>".utf8)
            let bare = try await transport.send(HTTPRequest(method: "POST", url: server.url("/echo?echo=1"), body: .bytes(xml)))
            #expect(bare.status == 200 && bare.body == xml)
            #expect(bare.header("X-Method") == "POST")
            #expect(bare.header("X-Header-Names") == "host,user-agent,content-length")

            let typed = try await transport.send(HTTPRequest(method: "POST", url: server.url("/echo"),
                                                             headers: [("Content-Type", "application/xml")], body: .bytes(xml)))
            #expect(typed.header("X-Header-Names") == "host,user-agent,content-type,content-length")

            let empty = try await transport.send(HTTPRequest(method: "POST", url: server.url("/echo")))
            #expect(empty.header("X-Received-Length") == "0")
            #expect(empty.header("X-Header-Names") == "host,user-agent,content-length")
        }
    }

    @Test func headAndDelete() async throws {
        try await withServer { server, transport in
            let head = try await transport.send(HTTPRequest(method: "HEAD", url: server.url("/echo")))
            #expect(head.status == 200 && head.body.isEmpty)
            #expect(head.header("Content-Length") == "1234")
            let delete = try await transport.send(HTTPRequest(method: "DELETE", url: server.url("/echo")))
            #expect(delete.status == 200 && delete.header("X-Method") == "DELETE")
        }
    }

    @Test func errorStatusIsAResponseNotAnError() async throws {
        try await withServer { server, transport in
            let response = try await transport.send(HTTPRequest(method: "PUT", url: server.url("/status/500"), body: .bytes([1, 2, 3])))
            #expect(response.status == 500)
            #expect(response.body == Array("boom".utf8))
            #expect(response.header("content-type") == "text/plain")
        }
    }

    @Test func fileRegionArrivesByteExact() async throws {
        let file = try TransportTestFile(size: 6 * 1024 * 1024)
        let region = FileRegion(fd: file.fd, offset: 12_345, length: 5 * 1024 * 1024 + 7)
        let slice = file.bytes[Int(region.offset)..<Int(region.offset + region.length)]
        let progress = ProgressLog()
        try await withServer { server, transport in
            let response = try await transport.send(HTTPRequest(method: "PUT", url: server.url("/echo"), body: .file(region))) { sent in
                progress.values.withLock { $0.append(sent) }
            }
            #expect(response.status == 200)
            #expect(response.header("X-Received-Length") == "\(region.length)")
            #expect(response.header("X-Received-CRC32") == "\(TransportTestCRC32.checksum(slice))")
            #expect(response.sentBodyCRC64 == CRC64.checksum(slice))
            #expect(response.bytesSent == region.length)
            #expect(response.header("X-Header-Names") == "host,user-agent,content-length,expect")
        }
        let seen = progress.values.withLock { $0 }
        #expect(seen.last == region.length)
        #expect(seen == seen.sorted())
    }

    @Test func concurrentSendsShareAFewConnections() async throws {
        var options = Self.quick
        options.maxHostConnections = 4
        let file = try TransportTestFile(size: 16 * 256 * 1024)
        try await withServer(options) { server, transport in
            let results = try await withThrowingTaskGroup(of: (Int, HTTPResponse).self) { group in
                for i in 0..<16 {
                    let region = FileRegion(fd: file.fd, offset: Int64(i * 256 * 1024), length: 256 * 1024)
                    group.addTask { (i, try await transport.send(HTTPRequest(method: "PUT", url: server.url("/echo"), body: .file(region)))) }
                }
                return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
            }
            #expect(results.count == 16)
            for (i, response) in results {
                let part = file.bytes[(i * 256 * 1024)..<((i + 1) * 256 * 1024)]
                #expect(response.status == 200)
                #expect(response.header("X-Received-CRC32") == "\(TransportTestCRC32.checksum(part))")
                #expect(response.sentBodyCRC64 == CRC64.checksum(part))
            }
            let ports = Set(results.values.compactMap { $0.header("X-Client-Port") })
            #expect(ports.count <= 4)
        }
    }

    /// Transfers in flight are spread over the transport threads (each moves its own bytes), and
    /// the connection cap still holds for the transport as a whole.
    @Test func concurrentSendsSpreadOverTheTransportThreads() async throws {
        var options = Self.quick
        options.threads = 2
        options.maxHostConnections = 4
        let file = try TransportTestFile(size: 8 * 256 * 1024)
        let threads = ThreadLog()
        try await withServer(options) { server, transport in
            let results = try await withThrowingTaskGroup(of: HTTPResponse.self) { group in
                for i in 0..<8 {
                    let region = FileRegion(fd: file.fd, offset: Int64(i * 256 * 1024), length: 256 * 1024)
                    group.addTask {
                        try await transport.send(HTTPRequest(method: "PUT", url: server.url("/echo"), body: .file(region))) { _ in
                            threads.ids.withLock { _ = $0.insert(UInt(pthread_self())) }
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.allSatisfy { $0.status == 200 })
            #expect(threads.ids.withLock { $0.count } == 2)
            #expect(Set(results.compactMap { $0.header("X-Client-Port") }).count <= 4)
        }
    }

    @Test func expectationFailedRetryRewindsTheBody() async throws {
        let file = try TransportTestFile(size: 1024 * 1024)
        let region = FileRegion(fd: file.fd, offset: 0, length: Int64(file.bytes.count))
        try await withServer { server, transport in
            let response = try await transport.send(HTTPRequest(method: "PUT", url: server.url("/expect417"), body: .file(region)))
            #expect(response.status == 200)
            #expect(response.header("X-Received-CRC32") == "\(TransportTestCRC32.checksum(file.bytes))")
            #expect(response.sentBodyCRC64 == CRC64.checksum(file.bytes))
            // The 417 came before any body byte, so the retry is the only transmission.
            #expect(response.bytesSent == region.length)
        }
    }
}

/// The threads progress was reported from.
final class ThreadLog: Sendable {
    let ids = Mutex<Set<UInt>>([])
}

/// Progress values reported from the transport thread.
final class ProgressLog: Sendable {
    let values = Mutex<[Int64]>([])
}
