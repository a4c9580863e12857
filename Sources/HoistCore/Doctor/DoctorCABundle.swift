import CCurl
import Foundation

/// The certificates TLS is verified against: the bundle Hoist configures, else libcurl's
/// built-in default (`curl_version_info`'s `cainfo` and `capath`, fixed when libcurl was built).
/// Kept in one function so a configured bundle (a config key) is shown by changing only this.
enum DoctorCABundle {
    struct InUse: Sendable, Equatable {
        /// A PEM file, or nil when only a directory is known.
        var file: String?
        var directory: String?
        /// Where the choice comes from (`libcurl default`, a config key).
        var origin: String
    }

    static func inUse(_ options: TransportOptions) -> InUse {
        if let configured = options.caBundlePath {
            return InUse(file: configured, directory: nil, origin: "configured")
        }
        guard let info = curl_version_info(CURLVERSION_TENTH) else {
            return InUse(file: nil, directory: nil, origin: "libcurl default")
        }
        return InUse(file: info.pointee.cainfo.map { String(cString: $0) },
                     directory: info.pointee.capath.map { String(cString: $0) }, origin: "libcurl default")
    }

    /// The transport options every doctor request uses: `HoistRuntime`'s, with connection
    /// setup bounded by the check timeout.
    static func transportOptions(timeout: Double) -> TransportOptions {
        var options = TransportOptions()
        options.connectTimeout = min(options.connectTimeout, timeout)
        return options
    }

    /// A failure only when an https endpoint is configured and nothing to verify it with exists.
    static func result(_ options: TransportOptions, needsTLS: Bool) -> DoctorResult {
        let bundle = inUse(options)
        let readable = { (path: String) in FileManager.default.isReadableFile(atPath: path) }
        var found: [String] = []
        if let file = bundle.file { found.append(readable(file) ? file : "\(file) (missing)") }
        if let directory = bundle.directory { found.append(readable(directory) ? directory : "\(directory) (missing)") }
        let usable = bundle.file.map(readable) == true || bundle.directory.map(readable) == true
        let detail = found.isEmpty ? "\(bundle.origin): none known" : "\(bundle.origin): " + found.joined(separator: ", ")
        if usable || !needsTLS { return .pass("tls.ca", "CA bundle", detail) }
        return .fail("tls.ca", "CA bundle", detail + "; https endpoints cannot be verified",
                     fix: "install the system CA certificates (apt-get install ca-certificates) or configure a PEM bundle")
    }
}
