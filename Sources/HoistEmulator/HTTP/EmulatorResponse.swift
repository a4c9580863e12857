import NIOCore
import NIOHTTP1

/// What a service answers. Bodies are either small in-memory buffers (XML, JSON) or a stream
/// produced on demand (object data read from disk), so a GET never holds a whole object.
struct EmulatorResponse: Sendable {
    /// Pushes body chunks to the connection; each `emit` waits for the socket to accept them.
    typealias BodyProducer = @Sendable (_ emit: @escaping @Sendable (ByteBuffer) async throws -> Void) async throws -> Void

    enum Body: Sendable {
        case empty
        case buffer(ByteBuffer)
        /// `length` bytes, produced by `producer`. For HEAD the producer is never called.
        case stream(length: Int64, producer: BodyProducer)
    }

    var status: HTTPResponseStatus
    var headers: HTTPHeaders
    var body: Body
    /// Close the connection after this response (used after early rejections).
    var closeConnection = false
    /// Not an OSS answer (an injected proxy or foreign-server page): the connection adds none of
    /// the headers every OSS answer carries (`x-oss-request-id`, `Server: AliyunOSS`).
    var foreign = false

    init(status: HTTPResponseStatus, headers: HTTPHeaders = [:], body: Body = .empty) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    static func text(_ status: HTTPResponseStatus, _ text: String, contentType: String) -> EmulatorResponse {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: contentType)
        return EmulatorResponse(status: status, headers: headers, body: .buffer(ByteBuffer(string: text)))
    }

    static func xml(_ writer: XMLWriter, status: HTTPResponseStatus = .ok) -> EmulatorResponse {
        text(status, writer.text, contentType: "application/xml")
    }

    var bodyLength: Int64 {
        switch body {
        case .empty: return 0
        case .buffer(let b): return Int64(b.readableBytes)
        case .stream(let length, _): return length
        }
    }
}
