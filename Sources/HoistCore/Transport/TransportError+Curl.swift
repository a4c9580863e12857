import CCurl

extension TransportError {
    /// Classifies a failed libcurl transfer. `detail` is the text libcurl wrote into the transfer's
    /// error buffer; it is kept in the message and, for the two codes libcurl overloads, used to
    /// tell the cases apart.
    init(curlCode code: CURLcode, detail: String) {
        let text = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        let number = Int(code.rawValue)
        self.init(kind: TransportError.kind(for: code, detail: text), message: text, curlCode: number)
    }

    static func kind(for code: CURLcode, detail: String) -> Kind {
        let lower = detail.lowercased()
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .dns
        case CURLE_COULDNT_CONNECT, CURLE_PROXY:
            return .connect
        case CURLE_OPERATION_TIMEDOUT:
            // One code covers resolve, connect and total timeouts and the low-speed abort; the
            // error buffer tells them apart.
            if lower.contains("too slow") { return .stalled }
            if lower.contains("resolving timed out") { return .dns }
            return .timeout
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE,
             CURLE_HTTP2, CURLE_HTTP2_STREAM, CURLE_HTTP3, CURLE_WEIRD_SERVER_REPLY,
             CURLE_SEND_FAIL_REWIND:
            return .reset
        case CURLE_SSL_CONNECT_ERROR:
            // A peer or middlebox dropping the socket mid-handshake is a network blip, not a
            // trust failure; OpenSSL reports it as a syscall error or an unexpected EOF.
            let dropped = ["reset by peer", "syscall", "unexpected eof", "connection reset"]
            return dropped.contains { lower.contains($0) } ? .reset : .tls
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
             CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED,
             CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_CRL_BADFILE,
             CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS,
             CURLE_SSL_CLIENTCERT, CURLE_USE_SSL_FAILED:
            return .tls
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL, CURLE_BAD_FUNCTION_ARGUMENT,
             CURLE_UNKNOWN_OPTION, CURLE_NOT_BUILT_IN:
            return .invalidRequest
        default:
            return .other
        }
    }
}
