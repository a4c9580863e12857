import CCurl

/// Translating an `HTTPRequest` and `TransportOptions` into easy-handle options.
extension Transfer {
    func configure(_ request: HTTPRequest, _ options: TransportOptions) throws {
        let me = Unmanaged.passUnretained(self).toOpaque()
        try check(hoist_curl_easy_setopt_string(easy, CURLOPT_URL, request.url), "URL")
        try check(hoist_curl_easy_setopt_string(easy, CURLOPT_PROTOCOLS_STR, "http,https"), "protocols")
        try check(hoist_curl_easy_setopt_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer), "error buffer")
        // Signals cannot interrupt a dedicated thread usefully, and timeouts must not use SIGALRM.
        try set(CURLOPT_NOSIGNAL, 1)
        // OSS throughput comes from many HTTP/1.1 connections, not from multiplexing.
        try set(CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_1_1))

        try setCallbacks(me)
        try setTimeouts(request, options)
        try setConnection(options)
        try setMethodAndBody(request, options)
        try setHeaders(request, options)
    }

    private func setCallbacks(_ me: UnsafeMutableRawPointer) throws {
        try check(hoist_curl_easy_setopt_data_callback(easy, CURLOPT_READFUNCTION) { buffer, size, count, user in
            let transfer = Unmanaged<Transfer>.fromOpaque(user!).takeUnretainedValue()
            return transfer.fillUploadBuffer(UnsafeMutableRawPointer(buffer!), capacity: size * count)
        }, "read callback")
        try check(hoist_curl_easy_setopt_pointer(easy, CURLOPT_READDATA, me), "read data")
        try check(hoist_curl_easy_setopt_seek_callback(easy) { user, offset, origin in
            let transfer = Unmanaged<Transfer>.fromOpaque(user!).takeUnretainedValue()
            return transfer.rewind(to: Int64(offset), origin: origin)
        }, "seek callback")
        try check(hoist_curl_easy_setopt_pointer(easy, CURLOPT_SEEKDATA, me), "seek data")
        try check(hoist_curl_easy_setopt_data_callback(easy, CURLOPT_HEADERFUNCTION) { buffer, size, count, user in
            let transfer = Unmanaged<Transfer>.fromOpaque(user!).takeUnretainedValue()
            return transfer.receiveHeader(UnsafeRawBufferPointer(start: buffer, count: size * count))
        }, "header callback")
        try check(hoist_curl_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, me), "header data")
        try check(hoist_curl_easy_setopt_data_callback(easy, CURLOPT_WRITEFUNCTION) { buffer, size, count, user in
            let transfer = Unmanaged<Transfer>.fromOpaque(user!).takeUnretainedValue()
            return transfer.receiveBody(UnsafeRawBufferPointer(start: buffer, count: size * count))
        }, "write callback")
        try check(hoist_curl_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, me), "write data")
    }

    private func setTimeouts(_ request: HTTPRequest, _ options: TransportOptions) throws {
        try set(CURLOPT_CONNECTTIMEOUT_MS, milliseconds(options.connectTimeout))
        if let total = request.timeout ?? options.totalTimeout {
            try set(CURLOPT_TIMEOUT_MS, milliseconds(total))
        }
        if options.stallSeconds > 0, request.abortsWhenStalled {
            try set(CURLOPT_LOW_SPEED_LIMIT, max(1, options.stallBytesPerSecond))
            try set(CURLOPT_LOW_SPEED_TIME, options.stallSeconds)
        }
        try set(CURLOPT_EXPECT_100_TIMEOUT_MS, milliseconds(options.expectContinueTimeout))
    }

    private func setConnection(_ options: TransportOptions) throws {
        if options.tcpKeepAlive {
            try set(CURLOPT_TCP_KEEPALIVE, 1)
            try set(CURLOPT_TCP_KEEPIDLE, options.tcpKeepIdleSeconds)
            try set(CURLOPT_TCP_KEEPINTVL, options.tcpKeepIntervalSeconds)
        }
        if let ca = options.caBundlePath {
            try check(hoist_curl_easy_setopt_string(easy, CURLOPT_CAINFO, ca), "CA bundle")
        }
        try set(CURLOPT_SSL_VERIFYPEER, options.verifyTLS ? 1 : 0)
        try set(CURLOPT_SSL_VERIFYHOST, options.verifyTLS ? 2 : 0)
        try set(CURLOPT_UPLOAD_BUFFERSIZE, min(max(options.uploadBufferSize, 16 * 1024), 2 * 1024 * 1024))
    }

    /// HEAD uses NOBODY, a bodiless GET uses HTTPGET, and every request that carries a body (and
    /// every PUT or POST, even empty) goes through the upload path so the read callback, the
    /// declared size and `Expect` handling are the same for all methods. For POST this also keeps
    /// libcurl from adding its form `Content-Type`.
    private func setMethodAndBody(_ request: HTTPRequest, _ options: TransportOptions) throws {
        let method = request.method.uppercased()
        let uploads = method == "PUT" || method == "POST" || body.length > 0
        if method == "HEAD" {
            try set(CURLOPT_NOBODY, 1)
        } else if method == "GET" && !uploads {
            try set(CURLOPT_HTTPGET, 1)
        } else if uploads {
            try set(CURLOPT_UPLOAD, 1)
            try check(hoist_curl_easy_setopt_off_t(easy, CURLOPT_INFILESIZE_LARGE, curl_off_t(body.length)), "body size")
            if method != "PUT" {
                try check(hoist_curl_easy_setopt_string(easy, CURLOPT_CUSTOMREQUEST, method), "method")
            }
        } else {
            try check(hoist_curl_easy_setopt_string(easy, CURLOPT_CUSTOMREQUEST, method), "method")
        }
    }

    /// The caller signs its headers, so the wire must carry exactly them: libcurl's automatic
    /// `Accept` and `Content-Type` are switched off unless the caller set them, and a caller's
    /// `Content-Length` is dropped because the transport declares the real body size itself.
    private func setHeaders(_ request: HTTPRequest, _ options: TransportOptions) throws {
        func has(_ name: String) -> Bool {
            request.headers.contains { $0.name.isHeaderName(name) }
        }
        var lines: [String] = []
        for (name, value) in request.headers where !name.isHeaderName("Content-Length") {
            // "Name;" is libcurl's spelling of a header with an empty value ("Name:" deletes it).
            lines.append(value.isEmpty ? "\(name);" : "\(name): \(value)")
        }
        if !has("Accept") { lines.append("Accept:") }
        if !has("Content-Type") { lines.append("Content-Type:") }
        if !has("Expect") && body.length < options.expectContinueThreshold { lines.append("Expect:") }
        if !has("User-Agent"), let agent = options.userAgent {
            try check(hoist_curl_easy_setopt_string(easy, CURLOPT_USERAGENT, agent), "user agent")
        }
        for line in lines {
            guard let appended = curl_slist_append(headerList, line) else {
                throw TransportError(kind: .other, message: "curl_slist_append failed")
            }
            headerList = appended
        }
        try check(hoist_curl_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, headerList), "headers")
    }

    private func set(_ option: CURLoption, _ value: Int) throws {
        try check(hoist_curl_easy_setopt_long(easy, option, value), "option \(option.rawValue)")
    }

    private func check(_ code: CURLcode, _ what: String) throws {
        guard code == CURLE_OK else {
            let text = String(cString: curl_easy_strerror(code))
            var error = TransportError(curlCode: code, detail: "setting \(what): \(text)")
            if error.kind == .other { error.kind = .invalidRequest }
            throw error
        }
    }

    private func milliseconds(_ seconds: Double) -> Int {
        max(1, Int((seconds * 1000).rounded()))
    }
}

private extension String {
    func isHeaderName(_ other: String) -> Bool {
        lowercased() == other.lowercased()
    }
}
