/// One HTTP exchange as the transport sees it: everything signing and addressing decided already.
public struct HTTPRequest: Sendable {
    public var method: String
    /// Absolute URL, already percent-encoded for the wire.
    public var url: String
    /// In order; duplicates allowed. `Content-Length` is set by the transport from the body.
    public var headers: [(name: String, value: String)]
    public var body: RequestBody
    /// Per-request overrides; nil means the transport's defaults.
    public var timeout: Double?
    /// Whether the transport's low-speed abort (`TransportOptions.stallSeconds`) applies. Off for
    /// requests whose answer may legitimately take long after a small body, such as
    /// CompleteMultipartUpload of many parts: waiting for that answer is not a stall.
    public var abortsWhenStalled: Bool

    public init(method: String, url: String, headers: [(name: String, value: String)] = [], body: RequestBody = .empty,
                timeout: Double? = nil, abortsWhenStalled: Bool = true) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.abortsWhenStalled = abortsWhenStalled
    }
}

/// Where a request body comes from. A file region is streamed with `pread` as libcurl asks for
/// bytes, so a part is never held in memory.
public enum RequestBody: Sendable {
    case empty
    case bytes([UInt8])
    case file(FileRegion)

    public var length: Int64 {
        switch self {
        case .empty: return 0
        case .bytes(let b): return Int64(b.count)
        case .file(let r): return r.length
        }
    }
}

/// A byte range of an open file. The caller owns `fd` and keeps it open until `send` returns.
public struct FileRegion: Sendable, Equatable {
    public var fd: Int32
    public var offset: Int64
    public var length: Int64

    public init(fd: Int32, offset: Int64, length: Int64) {
        self.fd = fd
        self.offset = offset
        self.length = length
    }
}
