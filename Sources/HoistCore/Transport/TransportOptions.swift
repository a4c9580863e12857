import Foundation

/// Knobs for the libcurl transport. The defaults suit OSS uploads over a real WAN; tests shrink the
/// timeouts so failures show up in seconds.
///
/// Proxies are deliberately not configured here: libcurl already honours `http_proxy`,
/// `https_proxy`, `HTTPS_PROXY`, `all_proxy` and `no_proxy` from the environment, which is how a
/// systemd unit or a shell sets them, so Hoist adds no second mechanism.
public struct TransportOptions: Sendable {
    /// Seconds allowed for DNS, TCP and TLS before a request fails with `.timeout`.
    public var connectTimeout: Double = 10
    /// Low-speed abort: a transfer slower than `stallBytesPerSecond` for `stallSeconds` fails with
    /// `.stalled`. This catches dead paths that never reset, without bounding how long a large
    /// part may take on a slow but healthy link.
    public var stallBytesPerSecond: Int = 1024
    public var stallSeconds: Int = 30
    /// Upper bound for a whole request in seconds; nil means none (the stall check covers hangs).
    /// `HTTPRequest.timeout` overrides it per request.
    public var totalTimeout: Double? = nil
    /// Connections open at once to one host (CURLMOPT_MAX_HOST_CONNECTIONS, shared out among the
    /// transport threads); 0 = unlimited. Extra
    /// requests wait inside libcurl for a free connection, and that wait counts against their
    /// total timeout, so keep this at or above the part scheduler's parallelism.
    public var maxHostConnections: Int = 0
    /// Idle connections kept for reuse (CURLMOPT_MAXCONNECTS), per transport thread.
    public var maxCachedConnections: Int = 64
    /// Transport threads, each with its own libcurl multi handle; a request goes to the one with
    /// the fewest in flight. One thread moves every byte of its transfers (`pread`, CRC-64,
    /// `send`): about 0.44 CPU-seconds per GiB, so one thread tops out near 2.3 GiB/s, which a
    /// fast LAN or loopback reaches. Up to 4, one per core.
    public var threads: Int = TransportOptions.defaultThreads
    public static let defaultThreads = min(4, max(1, ProcessInfo.processInfo.activeProcessorCount))
    /// TCP keepalive so NAT boxes and load balancers keep idle pooled connections open.
    public var tcpKeepAlive: Bool = true
    public var tcpKeepIdleSeconds: Int = 60
    public var tcpKeepIntervalSeconds: Int = 30
    /// A PEM bundle to verify servers with; nil uses libcurl's built-in default.
    public var caBundlePath: String? = nil
    /// Turning this off is for emulators with self-signed certificates only.
    public var verifyTLS: Bool = true
    /// Sent unless the caller supplies its own `User-Agent`; nil sends none.
    public var userAgent: String? = TransportOptions.defaultUserAgent
    /// How long libcurl waits for `100 Continue` before sending the body anyway.
    public var expectContinueTimeout: Double = 1.0
    /// Bodies at least this long are announced with `Expect: 100-continue`, so a server that
    /// rejects the request (bad signature, no such upload) does so before a whole part is sent.
    /// Smaller bodies go straight out and save a round trip.
    public var expectContinueThreshold: Int64 = 64 * 1024
    /// The size of libcurl's upload buffer: each read callback may fill this much with one `pread`.
    /// Every part in flight holds one, so this is what memory grows by per part: at 256 KiB,
    /// 64 parts in flight (`--parallel auto`'s maximum) stay under 64 MiB of peak RSS, where 1 MiB
    /// took 102 MiB; on loopback the two cost the same CPU per GiB within the noise of one run
    /// (0.41-0.47 s). Larger buffers save callbacks, not copies; libcurl caps it at 2 MiB.
    public var uploadBufferSize: Int = 256 * 1024
    /// Response bodies are held in memory; a longer one fails with `.responseTooLarge`.
    public var maxResponseBodyBytes: Int = 16 * 1024 * 1024

    /// Kept in step with the `hoist` executable's version.
    public static let hoistVersion = "0.1.0"
    public static let defaultUserAgent = "hoist/\(hoistVersion)"

    public init() {}
}
