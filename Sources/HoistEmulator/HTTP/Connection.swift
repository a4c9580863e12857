import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// Serves one client connection: reads request heads in a loop, routes each to a service, applies
/// the connection-level parts of fault injection (latency, injected errors, resets, bandwidth),
/// and writes the response with the headers every OSS response carries.
struct Connection {
    typealias Channel = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    let router: ServiceRouter
    let faults: FaultInjector
    let counters: EmulatorCounters
    let logger: Logger

    func serve(_ channel: Channel, wait: ClientWait) async {
        let underlying = channel.channel
        faults.connections.add(underlying)
        counters.connectionOpened()
        defer {
            faults.connections.remove(underlying)
            counters.connectionClosed()
        }
        do {
            try await channel.executeThenClose { inbound, outbound in
                let parts = InboundParts(inbound.makeAsyncIterator(), wait: wait)
                var connectionLimiter: BandwidthLimiter?
                do {
                    while let part = try await parts.next() {
                        guard case .head(let head) = part else { continue }
                        let keepOpen = try await handle(head, channel: underlying, parts: parts, outbound: outbound,
                                                        connectionLimiter: &connectionLimiter)
                        if !keepOpen { break }
                    }
                } catch RequestBodyError.connectionReset {
                    // SO_LINGER 0 makes close() send RST, which is what a dropped connection looks like.
                    try? await (underlying as? any SocketOptionProvider)?.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
                }
            }
        } catch {
            logger.debug("connection ended: \(error)")
        }
    }

    /// Handles one request; returns whether the connection stays open.
    private func handle(_ head: HTTPRequestHead, channel: any NIOCore.Channel, parts: InboundParts,
                        outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>,
                        connectionLimiter: inout BandwidthLimiter?) async throws -> Bool {
        let request = EmulatorRequest(head: head, requestId: RequestIDs.next())
        guard let service = router.service(for: request) else {
            let body = RequestBody(parts: parts, policy: BodyPolicy(operation: "", counters: counters, limiters: []), sendContinue: nil)
            return try await finish(request, head: head, response: .text(.notFound, "no service", contentType: "text/plain"),
                                    body: body, outbound: outbound, operation: nil, limiters: [])
        }
        let faulty = service.isSubjectToFaults
        if faulty && faults.isNetworkDown {
            // A pulled cable: the request never reaches the service, the client sees a reset.
            counters.recordNetworkDownResets(1)
            throw RequestBodyError.connectionReset
        }
        if !faulty {
            faults.connections.setServingAdmin(channel, true)
        }
        defer { if !faulty { faults.connections.setServingAdmin(channel, false) } }
        let operation = service.operation(of: request)
        var decision = FaultInjector.Decision()
        if faulty {
            counters.recordRequest(operation: operation)
            counters.requestBegan(operation)
            decision = faults.decide(operation: operation)
        }
        // In progress from the head until the answer starts (or the request fails): a client that
        // starts its next request on receiving this answer never overlaps it in the gauge.
        var inProgress = faulty
        defer { if inProgress { counters.requestEnded(operation) } }
        var limiters: [BandwidthLimiter] = []
        if let cap = decision.bandwidth {
            if cap.scope == .global, let global = decision.globalLimiter {
                limiters.append(global)
            } else if cap.scope == .connection {
                if connectionLimiter?.bytesPerSecond != cap.bytesPerSecond {
                    connectionLimiter = BandwidthLimiter(bytesPerSecond: cap.bytesPerSecond)
                }
                limiters.append(connectionLimiter!)
            }
        }
        let policy = BodyPolicy(operation: operation, counters: faulty ? counters : EmulatorCounters(),
                                limiters: limiters, resetAfterBytes: decision.resetAfterBytes)
        let sendContinue: (() async throws -> Void)? = request.expectsContinue ? {
            try await outbound.write(.head(HTTPResponseHead(version: head.version, status: .continue)))
        } : nil
        let body = RequestBody(parts: parts, policy: policy, sendContinue: sendContinue)
        if decision.latencyMilliseconds > 0 {
            try await Task.sleep(nanoseconds: UInt64(decision.latencyMilliseconds) * 1_000_000)
        }
        let response: EmulatorResponse
        if let error = decision.error {
            response = service.injectedFailure(error, request: request, now: faults.now)
        } else if decision.resetAfterBytes != nil && !request.hasBody {
            throw RequestBodyError.connectionReset
        } else {
            response = try await service.respond(to: request, body: body, now: faults.now)
        }
        var answer = response
        for name in decision.strippedHeaders { answer.headers.remove(name: name) }
        return try await finish(request, head: head, response: answer, body: body, outbound: outbound,
                                operation: faulty ? operation : nil, limiters: limiters) {
            if inProgress {
                inProgress = false
                counters.requestEnded(operation)
            }
        }
    }

    /// Settles the unread body, then writes the response; `answering` runs just before the
    /// response head is written.
    private func finish(_ request: EmulatorRequest, head: HTTPRequestHead, response: EmulatorResponse, body: RequestBody,
                        outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>,
                        operation: String?, limiters: [BandwidthLimiter],
                        answering: () -> Void = {}) async throws -> Bool {
        var response = response
        if !body.finished {
            if body.awaitingContinue {
                // Early rejection: the client never sent the body, so answer and hang up.
                response.closeConnection = true
            } else {
                try await body.drain()
            }
        }
        let keepOpen = head.isKeepAlive && !response.closeConnection
        var headers = response.headers
        if !response.foreign {
            if !headers.contains(name: "x-oss-request-id") { headers.add(name: "x-oss-request-id", value: request.requestId) }
            if !headers.contains(name: "Server") { headers.add(name: "Server", value: "AliyunOSS") }
        }
        if !headers.contains(name: "Date") { headers.add(name: "Date", value: HTTPDates.rfc1123(faults.now)) }
        if !headers.contains(name: "Content-Length") { headers.add(name: "Content-Length", value: String(response.bodyLength)) }
        headers.replaceOrAdd(name: "Connection", value: keepOpen ? "keep-alive" : "close")
        let responseHead = HTTPResponseHead(version: head.version, status: response.status, headers: headers)
        if let operation { counters.recordResponse(operation: operation, status: Int(response.status.code)) }
        answering()

        if request.method == .HEAD {
            try await outbound.write(contentsOf: [.head(responseHead), .end(nil)])
            return keepOpen
        }
        switch response.body {
        case .empty:
            try await outbound.write(contentsOf: [.head(responseHead), .end(nil)])
        case .buffer(let buffer):
            for limiter in limiters { try await limiter.pace(bytes: buffer.readableBytes) }
            try await outbound.write(contentsOf: [.head(responseHead), .body(.byteBuffer(buffer)), .end(nil)])
        case .stream(_, let producer):
            try await outbound.write(.head(responseHead))
            try await producer { chunk in
                for limiter in limiters { try await limiter.pace(bytes: chunk.readableBytes) }
                try await outbound.write(.body(.byteBuffer(chunk)))
            }
            try await outbound.write(.end(nil))
        }
        return keepOpen
    }
}

/// Request ids shaped like OSS's: 24 upper-case hex characters, unique within the process.
enum RequestIDs {
    private static let prefix = String(format: "%08X", UInt32.random(in: 0...UInt32.max))
    private static let counter = Locked<UInt64>(0)

    static func next() -> String {
        let n = counter.withLock { c -> UInt64 in c += 1; return c }
        return prefix + String(format: "%016llX", n)
    }
}
