import CCurl
import Foundation

/// How requests to one URL leave this host: which CA bundle verifies the server and which proxy,
/// if any, carries them. For display (`hoist doctor`); the transport itself leaves proxies to
/// libcurl, which reads the environment on every request (see `TransportOptions`).
///
/// The proxy is worked out from the environment with libcurl's own rules:
/// - `no_proxy` (else `NO_PROXY`): `*`, or comma-separated hosts or domains, each matching the
///   host itself and its subdomains (a leading `.` is ignored); when it matches, no proxy;
/// - otherwise `http_proxy` for `http://` (lowercase only: `HTTP_PROXY` may come from a CGI
///   request header), `https_proxy` then `HTTPS_PROXY` for `https://`;
/// - otherwise `all_proxy`, then `ALL_PROXY`.
/// A proxy's user and password are never shown (`***`).
public struct NetworkRoute: Sendable, Equatable {
    /// The CA bundle in use, nil when TLS is not involved or libcurl reports none.
    public var caFile: String?
    /// Where `caFile` came from: `"--ca-file or [tls] ca-file"` or `"libcurl default"`.
    public var caSource: String
    /// The proxy URL with any credentials shown as `***`; nil for a direct connection.
    public var proxy: String?
    /// The variable that chose the proxy, or the `no_proxy` variable that bypassed one.
    public var proxySource: String?

    /// The route to `url` for a CA file given by flag or config (`configuredCAFile`) and the
    /// process environment.
    public static func describe(url: String, configuredCAFile: String?,
                                environment: [String: String] = ProcessInfo.processInfo.environment) -> NetworkRoute {
        let route = proxy(for: url, environment: environment)
        if let configuredCAFile {
            return NetworkRoute(caFile: configuredCAFile, caSource: "--ca-file or [tls] ca-file",
                                proxy: route.proxy, proxySource: route.source)
        }
        return NetworkRoute(caFile: libcurlDefaultCAFile(), caSource: "libcurl default",
                            proxy: route.proxy, proxySource: route.source)
    }

    /// The proxy libcurl would use for `url` (credentials shown as `***`), and the variable deciding it.
    public static func proxy(for url: String, environment: [String: String]) -> (proxy: String?, source: String?) {
        func value(_ name: String) -> (String, String)? {
            guard let text = environment[name], !text.isEmpty else { return nil }
            return (text, name)
        }
        let scheme = url.range(of: "://").map { url[..<$0.lowerBound].lowercased() } ?? "http"
        let host = Self.host(of: url)
        if let noProxy = value("no_proxy") ?? value("NO_PROXY"), bypasses(host: host, noProxy: noProxy.0) {
            return (nil, noProxy.1)
        }
        let candidates = scheme == "http" ? ["http_proxy"] : ["\(scheme)_proxy", "\(scheme.uppercased())_PROXY"]
        for name in candidates + ["all_proxy", "ALL_PROXY"] {
            if let found = value(name) { return (redacted(found.0), found.1) }
        }
        return (nil, nil)
    }

    /// Whether `no_proxy` exempts `host`.
    static func bypasses(host: String, noProxy: String) -> Bool {
        let entries = noProxy.split(whereSeparator: { $0 == "," || $0 == " " }).map { entry in
            var name = entry.lowercased()
            if name.hasPrefix(".") { name.removeFirst() }
            return name
        }
        return entries.contains { $0 == "*" || (!$0.isEmpty && (host == $0 || host.hasSuffix("." + $0))) }
    }

    /// A file that libcurl will be told to read must exist and be readable now, or the first
    /// request would fail with a vaguer TLS error.
    public static func checkReadable(_ path: String) throws(HoistRuntimeError) {
        guard FileManager.default.isReadableFile(atPath: path) else {
            let why = FileManager.default.fileExists(atPath: path) ? "cannot be read by this user" : "does not exist"
            throw .configuration("the CA file \(path) \(why): fix --ca-file or [tls] ca-file")
        }
    }

    /// The CA bundle libcurl was built to use (CURLINFO_CAINFO).
    static func libcurlDefaultCAFile() -> String? {
        CurlGlobal.initializeOnce()
        guard let easy = curl_easy_init() else { return nil }
        defer { curl_easy_cleanup(easy) }
        var path: UnsafeMutablePointer<CChar>?
        guard hoist_curl_easy_getinfo_string(easy, CURLINFO_CAINFO, &path) == CURLE_OK, let path else { return nil }
        return String(cString: path)
    }

    private static func host(of url: String) -> String {
        var rest = Substring(url)
        if let range = rest.range(of: "://") { rest = rest[range.upperBound...] }
        rest = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") { return String(rest[rest.index(after: rest.startIndex)..<close]) }
        if let colon = rest.lastIndex(of: ":") { rest = rest[..<colon] }
        return rest.lowercased()
    }

    /// `scheme://user:password@host:port/` → `scheme://***@host:port/` (the same without a
    /// scheme): only the authority is searched, so an `@` in a path stays.
    public static func redacted(_ url: String) -> String {
        let start = url.range(of: "://")?.upperBound ?? url.startIndex
        let authorityEnd = url[start...].firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? url.endIndex
        guard let at = url[start..<authorityEnd].lastIndex(of: "@") else { return url }
        return String(url[..<start]) + "***" + String(url[at...])
    }
}
