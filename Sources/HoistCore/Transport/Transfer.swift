import CCurl
#if canImport(Glibc)
import Glibc
#endif

/// One request in flight: its libcurl easy handle, the body being streamed and the response being
/// collected.
///
/// `Transport.send` creates and configures it on the caller's task, then hands it to the transport
/// thread through the loop's locked inbox; from then on only that thread touches it (libcurl runs
/// every callback there). That hand-off is why the class can be `@unchecked Sendable`.
final class Transfer: @unchecked Sendable {
    let id: UInt64
    /// The `CURL *` easy handle.
    let easy: UnsafeMutableRawPointer
    var headerList: UnsafeMutablePointer<curl_slist>?
    /// CURLOPT_ERRORBUFFER: libcurl writes a specific message here, better than curl_easy_strerror.
    let errorBuffer: UnsafeMutablePointer<CChar>
    var body: RequestBodyStream
    var response: ResponseCollector
    /// Set by a callback that aborted the transfer; it explains the failure better than the
    /// generic CURLcode libcurl then reports.
    private(set) var callbackFailure: TransportError?
    private let onProgress: (@Sendable (Int64) -> Void)?
    /// Resumed exactly once, by `finish`.
    var continuation: CheckedContinuation<HTTPResponse, any Error>?
    private var released = false
    /// The bandwidth budget's loop-side gate, set by the loop when the transfer starts; nil when
    /// the transport has no budget.
    var throttle: TransferThrottle?

    init(id: UInt64, request: HTTPRequest, options: TransportOptions, onProgress: (@Sendable (Int64) -> Void)?) throws {
        CurlGlobal.initializeOnce()
        guard let easy = curl_easy_init() else {
            throw TransportError(kind: .other, message: "curl_easy_init failed (out of memory?)")
        }
        self.id = id
        self.easy = easy
        self.errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        self.errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        self.body = RequestBodyStream(request.body)
        self.response = ResponseCollector(maxBodyBytes: options.maxResponseBodyBytes)
        self.onProgress = onProgress
        // If configuration throws, deinit still runs and frees the handle.
        try configure(request, options)
    }

    deinit {
        releaseHandle()
        errorBuffer.deallocate()
    }

    /// Frees the easy handle and header list; call after removing the handle from the multi.
    func releaseHandle() {
        guard !released else { return }
        released = true
        curl_easy_cleanup(easy)
        curl_slist_free_all(headerList)
        headerList = nil
    }

    /// Resumes the waiting `send`; later calls are ignored.
    func finish(_ result: Result<HTTPResponse, TransportError>) {
        guard let continuation else { return }
        self.continuation = nil
        continuation.resume(with: result.mapError { $0 as any Error })
    }

    /// Turns libcurl's verdict for the finished transfer into the caller's answer.
    func outcome(_ code: CURLcode) -> Result<HTTPResponse, TransportError> {
        if let callbackFailure { return .failure(callbackFailure) }
        guard code == CURLE_OK else {
            return .failure(TransportError(curlCode: code, detail: String(cString: errorBuffer)))
        }
        var status = 0
        _ = hoist_curl_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        return .success(HTTPResponse(status: status, headers: response.headers, body: response.body,
                                     sentBodyCRC64: body.crc, bytesSent: body.handedOut))
    }

    // MARK: - Callback bodies (transport thread)

    /// CURLOPT_READFUNCTION: fill libcurl's buffer from the body; abort on a source failure.
    /// Under a bandwidth budget only the granted bytes are read; with none granted the transfer
    /// pauses until `TransferThrottle` resumes it (nothing is read, nothing is held meanwhile).
    func fillUploadBuffer(_ buffer: UnsafeMutableRawPointer, capacity: Int) -> Int {
        var allowed = capacity
        let remaining = body.length - body.position
        if let throttle, remaining > 0 {
            allowed = throttle.grant(self, wanted: Int(min(Int64(capacity), remaining)))
            if allowed == 0 { return Int(CURL_READFUNC_PAUSE) }
        }
        switch body.read(into: buffer, capacity: allowed) {
        case .success(let n):
            if n > 0, let onProgress { onProgress(body.handedOut) }
            return n
        case .failure(let error):
            callbackFailure = error
            return Int(CURL_READFUNC_ABORT)
        }
    }

    /// CURLOPT_SEEKFUNCTION: libcurl rewinds the body before re-sending it on a new connection.
    func rewind(to offset: Int64, origin: Int32) -> Int32 {
        guard origin == SEEK_SET else { return Int32(CURL_SEEKFUNC_CANTSEEK) }
        switch body.seek(to: offset) {
        case .success: return Int32(CURL_SEEKFUNC_OK)
        case .failure(let error):
            callbackFailure = error
            return Int32(CURL_SEEKFUNC_FAIL)
        }
    }

    /// CURLOPT_HEADERFUNCTION.
    func receiveHeader(_ bytes: UnsafeRawBufferPointer) -> Int {
        response.headerLine(bytes)
        return bytes.count
    }

    /// CURLOPT_WRITEFUNCTION: returning less than offered makes libcurl abort with WRITE_ERROR.
    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard response.append(bytes) else {
            callbackFailure = TransportError(kind: .responseTooLarge, message: "response body exceeds \(response.maxBodyBytes) bytes")
            return 0
        }
        return bytes.count
    }
}
