import NIOCore
import NIOHTTP1

/// Why a body stopped before its `.end`.
enum RequestBodyError: Error {
    /// A reset fault fired: the connection must be torn down abruptly.
    case connectionReset
    /// The peer closed the connection before the body was complete.
    case truncated
    /// A new request head arrived where body bytes were expected.
    case unexpectedHead
}

/// The inbound side of one connection, shared by the request loop (which reads heads) and the
/// current `RequestBody` (which reads body parts), so both pull from the same iterator. Every
/// read is marked as a wait on the client, for the idle timeout (`ClientIdleCloser`).
final class InboundParts {
    private var iterator: NIOAsyncChannelInboundStream<HTTPServerRequestPart>.AsyncIterator
    private let wait: ClientWait

    init(_ iterator: NIOAsyncChannelInboundStream<HTTPServerRequestPart>.AsyncIterator, wait: ClientWait) {
        self.iterator = iterator
        self.wait = wait
    }

    func next() async throws -> HTTPServerRequestPart? {
        wait.begin()
        defer { wait.end() }
        return try await iterator.next()
    }
}

/// Settings applied to every body chunk as it arrives: counting, bandwidth pacing and the
/// connection-reset fault. They live here so every service gets them without knowing.
struct BodyPolicy: Sendable {
    var operation: String
    var counters: EmulatorCounters
    var limiters: [BandwidthLimiter]
    /// Tear the connection down once this many body bytes have arrived.
    var resetAfterBytes: Int64?
}

/// A request body delivered chunk by chunk, exactly as the socket produced it, so nothing ever
/// holds a whole body. Reading the first chunk is what sends `100 Continue` to a client that
/// asked for it: a service that rejects a request from its head alone never reads, and the
/// client never sends the bytes.
final class RequestBody {
    private let parts: InboundParts
    private let policy: BodyPolicy
    private var sendContinue: (() async throws -> Void)?
    private(set) var finished = false
    private(set) var bytesReceived: Int64 = 0

    init(parts: InboundParts, policy: BodyPolicy, sendContinue: (() async throws -> Void)?) {
        self.parts = parts
        self.policy = policy
        self.sendContinue = sendContinue
    }

    /// True while the client still waits for `100 Continue` and has sent nothing.
    var awaitingContinue: Bool { sendContinue != nil }

    /// The next chunk, or nil at the end of the body.
    func next() async throws -> ByteBuffer? {
        if finished { return nil }
        if let send = sendContinue {
            sendContinue = nil
            try await send()
        }
        while let part = try await parts.next() {
            switch part {
            case .body(let buffer):
                let count = Int64(buffer.readableBytes)
                if let limit = policy.resetAfterBytes, bytesReceived + count >= limit {
                    let counted = max(0, limit - bytesReceived)
                    bytesReceived += counted
                    policy.counters.recordBody(operation: policy.operation, bytes: counted)
                    throw RequestBodyError.connectionReset
                }
                bytesReceived += count
                policy.counters.recordBody(operation: policy.operation, bytes: count)
                for limiter in policy.limiters { try await limiter.pace(bytes: Int(count)) }
                return buffer
            case .end:
                finished = true
                return nil
            case .head:
                throw RequestBodyError.unexpectedHead
            }
        }
        finished = true
        throw RequestBodyError.truncated
    }

    /// Reads and drops whatever is left, so the connection can carry the next request.
    func drain() async throws {
        while try await next() != nil {}
    }
}
