#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Plain `http://` is refused for any endpoint that is not this host, unless the operator says
/// the network is trusted (`--insecure-http`, config `[oss] insecure-http = true`).
///
/// Every OSS and ECS request carries the access key id, a signature and, with STS, the
/// security token, and an upload carries the image itself: on a shared network each of these
/// can be read or replayed. Loopback (127.0.0.0/8, ::1, `localhost`) never leaves the host, so
/// the emulator and local proxies need no flag.
public enum PlainHTTPPolicy {
    /// Throws a `ConfigError` for `http` to a host that is not loopback, unless `allowed`.
    /// `setting` names what the operator configured (`endpoint`, `ecs-endpoint`).
    public static func check(scheme: String, host: String, setting: String, service: String,
                             allowed: Bool) throws(ConfigError) {
        guard scheme.lowercased() == "http", !allowed, !isLoopback(host) else { return }
        throw ConfigError(
            path: setting,
            message: "refusing plain http:// to the \(service) endpoint \(host): signatures, access key ids and STS "
                + "tokens would cross the network unencrypted. Use https://, or if this network is trusted pass "
                + "--insecure-http (config: [oss] insecure-http = true)")
    }

    /// `localhost`, an IPv4 address in 127.0.0.0/8, or the IPv6 loopback `::1` (with or without
    /// brackets). Names other than `localhost` are not resolved: what they resolve to can change.
    public static func isLoopback(_ host: String) -> Bool {
        var name = host.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        if name == "localhost" { return true }
        if name.hasPrefix("["), name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        var v4 = in_addr()
        if inet_pton(AF_INET, name, &v4) == 1 {
            return UInt32(bigEndian: v4.s_addr) >> 24 == 127
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, name, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { bytes in bytes.prefix(15).allSatisfy { $0 == 0 } && bytes[15] == 1 }
        }
        return false
    }
}
