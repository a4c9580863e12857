import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Where `/metrics` is served: a loopback host and a port (`127.0.0.1:9464`, `[::1]:9464`,
/// `localhost:9464`).
///
/// Loopback only, by construction: the metrics carry no secrets, but they describe the host's
/// work, and the unit's hardening assumes the agent listens nowhere else. A scraper on another
/// host reaches it through a local forwarder it owns. A value of this type is always loopback.
public struct MetricsAddress: Sendable, Equatable, CustomStringConvertible {
    public let host: String
    public let port: Int

    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case malformed(String)
        case notLoopback(String)

        public var description: String {
            switch self {
            case .malformed(let text):
                "metrics address \"\(text)\" is not HOST:PORT like 127.0.0.1:9464"
            case .notLoopback(let text):
                "metrics address \"\(text)\" is not a loopback address: the agent serves metrics on loopback only "
                    + "(127.0.0.1, ::1 or localhost); give e.g. 127.0.0.1:9464 and forward it if a remote "
                    + "scraper needs it"
            }
        }
    }

    /// Parses `HOST:PORT` (`[V6]:PORT` for an IPv6 literal) and refuses a host that is not loopback.
    public init(_ text: String) throws(Failure) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let host: Substring
        let portText: Substring
        if trimmed.hasPrefix("[") {
            guard let close = trimmed.firstIndex(of: "]"),
                  trimmed[trimmed.index(after: close)...].hasPrefix(":") else { throw .malformed(text) }
            host = trimmed[trimmed.index(after: trimmed.startIndex)..<close]
            portText = trimmed[trimmed.index(close, offsetBy: 2)...]
        } else {
            guard let colon = trimmed.lastIndex(of: ":"), !trimmed[..<colon].contains(":") else {
                throw .malformed(text)
            }
            host = trimmed[..<colon]
            portText = trimmed[trimmed.index(after: colon)...]
        }
        guard !host.isEmpty, let port = Int(portText), (0...65_535).contains(port) else { throw .malformed(text) }
        guard Self.isLoopback(String(host)) else { throw .notLoopback(text) }
        self.host = String(host)
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// `localhost`, any address in 127.0.0.0/8, or `::1`.
    static func isLoopback(_ host: String) -> Bool {
        if host.lowercased() == "localhost" { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 {
            return UInt32(bigEndian: v4.s_addr) >> 24 == 127
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 {
            let bytes = withUnsafeBytes(of: v6) { Array($0) }
            return bytes == [UInt8](repeating: 0, count: 15) + [1]
        }
        return false
    }
}
