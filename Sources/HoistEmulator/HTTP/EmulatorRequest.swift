import Foundation
import HoistCore
import NIOHTTP1

/// The head of one HTTP request, parsed once into the shapes every service needs: the decoded
/// path, the decoded query pairs in wire order (signing depends on them), and the headers as
/// received. The body is not here; it streams separately through `RequestBody`.
struct EmulatorRequest: Sendable {
    var method: HTTPMethod
    var uri: String
    /// The path as sent, before percent-decoding.
    var rawPath: String
    /// The percent-decoded path (`%2F` and `/` are the same here).
    var path: String
    /// Decoded query parameters in wire order. `uploads` and `uploads=` both give an empty value.
    var query: [(name: String, value: String)]
    var headers: HTTPHeaders
    /// A unique id, echoed in `x-oss-request-id` and in error bodies.
    var requestId: String

    init(head: HTTPRequestHead, requestId: String) {
        method = head.method
        uri = head.uri
        headers = head.headers
        self.requestId = requestId
        let queryStart = head.uri.firstIndex(of: "?")
        let rawPathPart = queryStart.map { head.uri[..<$0] } ?? head.uri[...]
        rawPath = String(rawPathPart)
        path = PercentEncoding.decodeLeniently(rawPathPart)
        query = []
        if let queryStart {
            for pair in head.uri[head.uri.index(after: queryStart)...].split(separator: "&", omittingEmptySubsequences: true) {
                if let eq = pair.firstIndex(of: "=") {
                    query.append((PercentEncoding.decodeLeniently(pair[..<eq]),
                                  PercentEncoding.decodeLeniently(pair[pair.index(after: eq)...])))
                } else {
                    query.append((PercentEncoding.decodeLeniently(pair), ""))
                }
            }
        }
    }

    func header(_ name: String) -> String? { headers.first(name: name) }

    /// The first value of a query parameter, or nil when it is absent.
    func queryValue(_ name: String) -> String? { query.first { $0.name == name }?.value }

    func hasQuery(_ name: String) -> Bool { query.contains { $0.name == name } }

    /// The Host header without its port.
    var hostName: String? {
        guard let host = header("host") else { return nil }
        if host.hasPrefix("[") { return host.split(separator: "]").first.map { String($0) + "]" } }
        return host.split(separator: ":", maxSplits: 1).first.map(String.init)
    }

    /// Whether the client waits for `100 Continue` before sending the body.
    var expectsContinue: Bool { header("expect")?.lowercased() == "100-continue" }

    /// The declared body size: Content-Length, or nil for chunked / absent.
    var contentLength: Int64? { header("content-length").flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) } }

    var isChunked: Bool { header("transfer-encoding")?.lowercased().contains("chunked") ?? false }

    /// Whether a body follows the head at all.
    var hasBody: Bool { isChunked || (contentLength ?? 0) > 0 }
}
