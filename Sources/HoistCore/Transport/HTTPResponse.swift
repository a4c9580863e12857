/// The answer to one `HTTPRequest`.
public struct HTTPResponse: Sendable {
    public var status: Int
    /// Response headers in arrival order, names as sent by the server.
    public var headers: [(name: String, value: String)]
    /// The response body (small: XML, error documents, ranged GETs in tests).
    public var body: [UInt8]
    /// CRC-64 of the request body bytes actually handed to libcurl on the final attempt
    /// (0 for an empty body), so callers can compare it with `x-oss-hash-crc64ecma`.
    public var sentBodyCRC64: UInt64
    /// Request body bytes handed to libcurl, including any rewinds.
    public var bytesSent: Int64

    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8], sentBodyCRC64: UInt64 = 0, bytesSent: Int64 = 0) {
        self.status = status
        self.headers = headers
        self.body = body
        self.sentBodyCRC64 = sentBodyCRC64
        self.bytesSent = bytesSent
    }

    /// First header with this name, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name.lowercased() == lower }?.value
    }
}
