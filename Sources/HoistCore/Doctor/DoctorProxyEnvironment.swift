import Foundation

/// The proxy variables libcurl honours (`TransportOptions` sets no proxy of its own), shown
/// with any user:password in their URLs replaced by `***`.
struct DoctorProxyEnvironment: Sendable {
    let environment: [String: String]

    /// In the order libcurl consults them.
    static let variables = ["https_proxy", "HTTPS_PROXY", "http_proxy", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY"]

    func value(_ name: String) -> String? {
        environment[name].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
    }

    /// The proxy libcurl would use for a `scheme` URL to `host`, or nil for a direct connection.
    /// libcurl reads `http_proxy` only in lower case (the upper-case name can be set by a CGI
    /// request's `Proxy:` header); `https_proxy` in either case.
    func proxy(scheme: String, host: String) -> String? {
        if bypassed(host) { return nil }
        let specific = scheme.lowercased() == "https" ? value("https_proxy") ?? value("HTTPS_PROXY") : value("http_proxy")
        return specific ?? value("all_proxy") ?? value("ALL_PROXY")
    }

    /// `no_proxy`: `*`, or comma-separated names matched as the host itself or a domain suffix.
    private func bypassed(_ host: String) -> Bool {
        guard let list = value("no_proxy") ?? value("NO_PROXY") else { return false }
        let name = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        for raw in list.split(separator: ",") {
            var entry = raw.trimmingCharacters(in: .whitespaces).lowercased()
            if entry == "*" { return true }
            if entry.hasPrefix(".") { entry.removeFirst() }
            if entry.isEmpty { continue }
            if name == entry || name.hasSuffix("." + entry) { return true }
        }
        return false
    }

    /// `scheme://user:password@host:port/` → `scheme://***@host:port/`; the same without a scheme.
    static func redacted(_ url: String) -> String {
        let start = url.range(of: "://")?.upperBound ?? url.startIndex
        let authorityEnd = url[start...].firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? url.endIndex
        guard let at = url[start..<authorityEnd].lastIndex(of: "@") else { return url }
        return String(url[..<start]) + "***" + String(url[at...])
    }

    func result() -> DoctorResult {
        let set = Self.variables.compactMap { name in value(name).map { "\(name)=\(Self.redacted($0))" } }
        guard !set.isEmpty else {
            return .pass("proxy", "proxy", "no proxy variables set: direct connections")
        }
        return .pass("proxy", "proxy", set.joined(separator: ", "))
    }
}
