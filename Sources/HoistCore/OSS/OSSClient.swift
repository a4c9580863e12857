import Foundation

/// The OSS API calls Hoist makes, over the shared `Transport`.
///
/// Each call is one HTTP exchange: no retries here. The retry layer (Upload/) decides using
/// `OSSError.isRetryable`, `qosDelay` and, after `RequestTimeTooSkewed`, sets `clockOffset` from
/// `OSSError.serverDate` so the next signature carries server time. Credentials are fetched per
/// request through a closure so STS and RAM-role credentials can rotate underneath a long upload;
/// a request refused because its temporary credentials expired meanwhile is sent once more with
/// renewed ones (`renew`), inside the call, so the retry layer never counts it as a failure.
public final class OSSClient: Sendable {
    public let endpoint: OSSEndpoint
    public let signer: OSSRequestSigner
    private let transport: Transport
    private let credentials: @Sendable () async throws -> Credentials
    private let renew: (@Sendable (Credentials) async throws -> Credentials)?
    private let offset = ClockOffset()

    /// `renew`, when given, replaces credentials a request was refused with as expired.
    public init(endpoint: OSSEndpoint, signer: OSSRequestSigner, transport: Transport,
                credentials: @escaping @Sendable () async throws -> Credentials,
                renew: (@Sendable (Credentials) async throws -> Credentials)? = nil) {
        self.endpoint = endpoint
        self.signer = signer
        self.transport = transport
        self.credentials = credentials
        self.renew = renew
    }

    /// Credentials that refresh themselves and are renewed after an expiry refusal.
    public convenience init(endpoint: OSSEndpoint, signer: OSSRequestSigner, transport: Transport,
                            credentials source: RefreshingCredentials) {
        self.init(endpoint: endpoint, signer: signer, transport: transport,
                  credentials: { try await source.credentials() }, renew: { try await source.renew(rejected: $0) })
    }

    /// Fixed credentials; the region defaults to the endpoint's, which custom endpoints lack.
    public convenience init(endpoint: OSSEndpoint, credentials: Credentials, transport: Transport,
                            version: OSSRequestSigner.Version = .v4, region: String? = nil) throws {
        guard let region = region ?? endpoint.region else {
            throw OSSConfigurationError(message: "the OSS region is unknown for \(endpoint); set it explicitly")
        }
        self.init(endpoint: endpoint, signer: OSSRequestSigner(version: version, region: region), transport: transport,
                  credentials: { credentials })
    }

    /// Seconds added to the local clock when signing (server time − local time).
    public var clockOffset: Double {
        get { offset.value }
        set { offset.value = newValue }
    }

    /// One request, as the API calls describe it before addressing and signing.
    struct Call {
        var method: String
        var bucket: String?
        var key: String?
        var query: [(name: String, value: String)] = []
        var headers: [(name: String, value: String)] = []
        var body: RequestBody = .empty
        var timeout: Double? = nil
        /// See `HTTPRequest.abortsWhenStalled`.
        var abortsWhenStalled = true
    }

    /// Signs, sends and turns any non-2xx answer into an `OSSError`.
    func perform(_ call: Call, onProgress: (@Sendable (Int64) -> Void)? = nil) async throws -> HTTPResponse {
        var signing = try await credentials()
        var renewed = false
        while true {
            let request = prepare(call, credentials: signing, date: Date().addingTimeInterval(clockOffset))
            let response = try await transport.send(request, onProgress: onProgress)
            if (200..<300).contains(response.status) { return response }
            let error = OSSError(response: response, key: call.key)
            guard !renewed, let renew, error.isExpiredCredentials(signing) else { throw error }
            signing = try await renew(signing)
            renewed = true
        }
    }

    /// The wire request for `call`, signed at `date`; separate from `perform` so tests can check
    /// what would be sent without a server.
    func prepare(_ call: Call, credentials: Credentials, date: Date) -> HTTPRequest {
        var headers = call.headers
        // libcurl adds `application/x-www-form-urlencoded` to POSTs that carry none, which would
        // then not match the signature; an explicit type is signed and sent as is.
        if (call.method == "POST" || call.method == "PUT"), OSSHeaderList.value("Content-Type", in: headers) == nil {
            headers.append(("Content-Type", "application/octet-stream"))
        }
        let signed = signer.sign(method: call.method, bucket: call.bucket, key: call.key, query: call.query,
                                 headers: headers, credentials: credentials, date: date)
        return HTTPRequest(method: call.method, url: endpoint.url(bucket: call.bucket, key: call.key, query: call.query),
                           headers: signed, body: call.body, timeout: call.timeout,
                           abortsWhenStalled: call.abortsWhenStalled)
    }

    static func crc64(_ response: HTTPResponse) -> UInt64? {
        response.header("x-oss-hash-crc64ecma").flatMap { UInt64($0.trimmingCharacters(in: .whitespaces)) }
    }

    static func etag(_ response: HTTPResponse) -> String {
        unquotedETag(response.header("ETag") ?? "")
    }
}

/// A client set up wrongly (e.g. no region for V4 signing); not an OSS answer.
public struct OSSConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// The clock offset shared by concurrent part uploads; a lock keeps reads and writes whole.
private final class ClockOffset: @unchecked Sendable {
    private let lock = NSLock()
    private var seconds: Double = 0

    var value: Double {
        get { lock.withLock { seconds } }
        set { lock.withLock { seconds = newValue } }
    }
}
