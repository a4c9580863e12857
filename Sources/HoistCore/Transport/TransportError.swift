/// A failure below HTTP, classified so a retry policy can decide without parsing messages.
///
/// HTTP error statuses are not `TransportError`s: a 500 is a response, and the OSS layer turns it
/// into its own error model.
public struct TransportError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// The host (or proxy) name did not resolve.
        case dns
        /// The TCP connection was refused or could not be made.
        case connect
        /// TLS handshake or certificate verification failed; retrying will not fix it.
        case tls
        /// The connect timeout or the total timeout expired.
        case timeout
        /// The low-speed limit fired: the transfer made too little progress for too long.
        case stalled
        /// The connection broke mid-exchange (reset, send/receive failure, empty reply).
        case reset
        /// The caller's task was cancelled, or the transport was shut down.
        case cancelled
        /// `pread` on the source file failed; the bytes could not be read.
        case sourceRead
        /// The source file ended before the region did: it was truncated or replaced while
        /// uploading. Nothing wrong was sent; the upload must re-check the file.
        case sourceChanged
        /// The response body exceeded `TransportOptions.maxResponseBodyBytes`.
        case responseTooLarge
        /// libcurl refused the request itself (malformed URL, unsupported scheme, bad option).
        case invalidRequest
        /// Anything else libcurl reported; treated as transient.
        case other
    }

    public var kind: Kind
    public var message: String
    /// The `CURLcode` behind the error, when libcurl produced it.
    public var curlCode: Int?

    public init(kind: Kind, message: String, curlCode: Int? = nil) {
        self.kind = kind
        self.message = message
        self.curlCode = curlCode
    }

    /// Whether sending the same request again may succeed. Network trouble is retryable; local
    /// problems (TLS trust, the source file, a bad request) and cancellation are not.
    public var isRetryable: Bool {
        switch kind {
        case .dns, .connect, .timeout, .stalled, .reset, .other: return true
        case .tls, .cancelled, .sourceRead, .sourceChanged, .responseTooLarge, .invalidRequest: return false
        }
    }

    /// True when the source file, not the network, is at fault.
    public var isSourceFailure: Bool { kind == .sourceRead || kind == .sourceChanged }

    public var description: String {
        if let curlCode { return "\(kind.rawValue): \(message) (curl \(curlCode))" }
        return "\(kind.rawValue): \(message)"
    }
}
