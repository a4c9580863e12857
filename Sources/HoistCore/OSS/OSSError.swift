import Foundation

/// An error answer from OSS, with what the retry layer and the operator need and nothing secret.
///
/// Built from the `<Error>` XML when there is one; HEAD responses (no body) and non-XML bodies from
/// proxies are mapped from the status code instead, so callers can always switch on `code`.
public struct OSSError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: String
    public var message: String
    public var requestId: String?
    public var hostId: String?
    public var httpStatus: Int
    /// Other `<Error>` children (`UploadId`, `StringToSign`, `EC`, `RequestTime`, …). STS tokens
    /// inside echoed strings are redacted, and `StringToSignBytes` is dropped.
    public var extra: [String: String]
    /// The server's `Date` header, for clock-offset correction after `RequestTimeTooSkewed`.
    public var serverDate: Date?
    /// `x-oss-qos-delay-time` in seconds when OSS is throttling this account.
    public var qosDelay: Double?

    public init(code: String, message: String, requestId: String? = nil, hostId: String? = nil, httpStatus: Int,
                extra: [String: String] = [:], serverDate: Date? = nil, qosDelay: Double? = nil) {
        self.code = code
        self.message = message
        self.requestId = requestId
        self.hostId = hostId
        self.httpStatus = httpStatus
        self.extra = extra
        self.serverDate = serverDate
        self.qosDelay = qosDelay
    }

    /// Reads an error response. `key` lets a body-less 404 say NoSuchKey (object request) or
    /// NoSuchBucket (bucket request).
    public init(response: HTTPResponse, key: String?) {
        let requestId = response.header("x-oss-request-id")
        let date = response.header("Date").flatMap(OSSDate.parseRFC1123)
        let qos = Self.qosDelay(response)
        if let root = OSSXMLElement.parse(response.body), root.name == "Error", let code = root.string("Code") {
            var extra: [String: String] = [:]
            for child in root.children where !["Code", "Message", "RequestId", "HostId", "StringToSignBytes"].contains(child.name) {
                extra[child.name] = Self.redactTokens(child.text)
            }
            self.init(code: code, message: root.string("Message") ?? "", requestId: root.string("RequestId") ?? requestId,
                      hostId: root.string("HostId"), httpStatus: response.status, extra: extra, serverDate: date, qosDelay: qos)
        } else if requestId == nil {
            // OSS puts a request id on every answer, HEAD included. Without one, something else on
            // the way answered (a proxy, a captive portal, a wrong endpoint): a network problem to
            // wait out and to name as such, not a missing key to fail the job on.
            self.init(code: Self.notFromOSS, message: "HTTP \(response.status) without an OSS request id: the answer "
                      + "did not come from OSS (a proxy, or another server at this endpoint?)",
                      requestId: nil, hostId: nil, httpStatus: response.status, serverDate: date, qosDelay: qos)
        } else {
            let (code, message) = Self.codeForStatus(response.status, key: key)
            var extra: [String: String] = [:]
            if let ec = response.header("x-oss-ec") { extra["EC"] = ec }
            self.init(code: code, message: message, requestId: requestId, hostId: nil, httpStatus: response.status,
                      extra: extra, serverDate: date, qosDelay: qos)
        }
    }

    /// Status-only mapping for responses without an error document.
    static func codeForStatus(_ status: Int, key: String?) -> (String, String) {
        switch status {
        case 304: return ("NotModified", "The object was not modified.")
        case 400: return ("InvalidArgument", "The request was rejected as invalid.")
        case 403: return ("AccessDenied", "Access to the bucket or object was denied.")
        case 404:
            if let key, !key.isEmpty { return ("NoSuchKey", "The specified key does not exist.") }
            return ("NoSuchBucket", "The specified bucket does not exist.")
        case 409: return ("Conflict", "The request conflicts with the current state of the resource.")
        case 412: return ("PreconditionFailed", "At least one of the preconditions you specified did not hold.")
        case 416: return ("InvalidRange", "The requested range cannot be satisfied.")
        case 429: return ("TooManyRequests", "The request rate is too high.")
        case 503: return ("ServiceUnavailable", "The service is temporarily unavailable.")
        case 500...599: return ("InternalError", "The server returned HTTP \(status).")
        default: return ("HTTP\(status)", "Unexpected HTTP status \(status).")
        }
    }

    static func qosDelay(_ response: HTTPResponse) -> Double? {
        guard let text = response.header("x-oss-qos-delay-time"), let millis = Double(text.trimmingCharacters(in: .whitespaces)),
              millis > 0 else { return nil }
        return millis / 1000
    }

    /// Echoed strings to sign contain the `x-oss-security-token` header line; keep the rest.
    static func redactTokens(_ text: String) -> String {
        guard text.contains("x-oss-security-token:") else { return text }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasPrefix("x-oss-security-token:") ? "x-oss-security-token:<redacted>" : String(line)
        }.joined(separator: "\n")
    }

    // MARK: - Classification for the retry layer

    /// Clock skew: retry after `OSSClient.clockOffset` is set from `serverDate`.
    public var isClockSkew: Bool { code == "RequestTimeTooSkewed" }

    /// Whether repeating the same request can succeed: 5xx, 429, throttling codes, a body the
    /// server timed out on, and clock skew (which needs a corrected clock first, see `isClockSkew`).
    /// The code given to an answer that carries no sign of coming from OSS.
    public static let notFromOSS = "NotFromOSS"

    /// 501 `NotImplemented` is the one 5xx that repeating cannot fix: the server does not offer
    /// the operation at all.
    public var isRetryable: Bool {
        if code == Self.notFromOSS { return true }
        if httpStatus == 501 || code == "NotImplemented" { return false }
        if httpStatus >= 500 || httpStatus == 429 { return true }
        switch code {
        case Self.notFromOSS, "SlowDown", "RequestTimeout", "RequestTimeTooSkewed", "InternalError", "ServiceUnavailable",
             "QpsLimitExceeded", "TotalQpsLimitExceeded", "DownloadTrafficRateLimitExceeded",
             "UploadTrafficRateLimitExceeded", "ActiveRequestLimitExceeded":
            return true
        default:
            return false
        }
    }

    /// Whether OSS refused `credentials` because they expired: `SecurityTokenExpired`, or
    /// `InvalidAccessKeyId` for temporary credentials (OSS no longer knows an expired STS key id,
    /// per its STS troubleshooting page). Long-lived keys are never "expired".
    public func isExpiredCredentials(_ credentials: Credentials) -> Bool {
        guard credentials.isTemporary, httpStatus == 403 else { return false }
        return code == "SecurityTokenExpired" || code == "InvalidAccessKeyId"
    }

    /// Seconds the local clock is behind the server (positive) or ahead (negative), measured
    /// against `localNow`, the local time the response arrived.
    public func clockOffset(localNow: Date) -> Double? {
        serverDate.map { $0.timeIntervalSince(localNow) }
    }

    public var description: String {
        var text = "OSS \(code) (HTTP \(httpStatus)): \(message)"
        if let requestId { text += " [request id \(requestId)]" }
        return text
    }
}
