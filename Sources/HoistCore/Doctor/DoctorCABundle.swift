import Foundation

/// The certificates TLS is verified against, as `NetworkRoute` reports them: the bundle given by
/// `--ca-file` or `[tls] ca-file`, else libcurl's built-in default.
enum DoctorCABundle {
    /// The transport options every doctor request uses: `HoistRuntime`'s (with the configured CA
    /// file), with connection setup bounded by the check timeout.
    static func transportOptions(timeout: Double, caFile: String?) -> TransportOptions {
        var options = TransportOptions()
        options.connectTimeout = min(options.connectTimeout, timeout)
        options.caBundlePath = caFile
        return options
    }

    /// A failure only when an https endpoint is configured and nothing to verify it with exists.
    static func result(_ options: TransportOptions, needsTLS: Bool) -> DoctorResult {
        let route = NetworkRoute.describe(url: "https://", configuredCAFile: options.caBundlePath, environment: [:])
        guard let file = route.caFile else {
            let detail = "\(route.caSource): none known"
            if !needsTLS { return .pass("tls.ca", "CA bundle", detail) }
            return .fail("tls.ca", "CA bundle", detail + "; https endpoints cannot be verified",
                         fix: "install the system CA certificates (apt-get install ca-certificates) or set [tls] ca-file")
        }
        let readable = FileManager.default.isReadableFile(atPath: file)
        let detail = "\(route.caSource): " + (readable ? file : "\(file) (missing)")
        if readable || !needsTLS { return .pass("tls.ca", "CA bundle", detail) }
        return .fail("tls.ca", "CA bundle", detail + "; https endpoints cannot be verified",
                     fix: "install the system CA certificates (apt-get install ca-certificates) or set [tls] ca-file")
    }
}
