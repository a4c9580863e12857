/// STUB: the libcurl multi transport replaces this file. The public signature is the contract.
public final class Transport: Sendable {
    public init(options: TransportOptions = TransportOptions()) throws {}

    /// Sends one request; many may be in flight at once. `onProgress` receives request body
    /// bytes handed to libcurl so far (called from the transport thread).
    public func send(_ request: HTTPRequest, onProgress: (@Sendable (Int64) -> Void)? = nil) async throws -> HTTPResponse {
        fatalError("transport not implemented yet")
    }
}

public struct TransportOptions: Sendable {
    public var connectTimeout: Double = 10
    public init() {}
}
