import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Name resolution for the endpoint check. `getaddrinfo` blocks and cannot be cancelled, so
/// it runs on a thread of its own: a resolver that hangs ties up that thread, never the
/// cooperative pool the time bound of `DoctorCheck` runs on.
enum DoctorResolver {
    /// The numeric addresses of `host` (at most a few, in resolver order), or why there are none.
    static func addresses(of host: String) async -> Result<[String], DoctorResolverError> {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: resolve(host)) }
            thread.start()
        }
    }

    private static func resolve(_ host: String) -> Result<[String], DoctorResolverError> {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let name = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        let status = getaddrinfo(name, nil, &hints, &list)
        guard status == 0, let first = list else {
            return .failure(DoctorResolverError(message: String(cString: gai_strerror(status))))
        }
        defer { freeaddrinfo(first) }
        var found: [String] = []
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let current = entry {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(current.pointee.ai_addr, current.pointee.ai_addrlen, &buffer, socklen_t(buffer.count),
                           nil, 0, NI_NUMERICHOST) == 0 {
                let text = String(cString: buffer)
                if !found.contains(text) { found.append(text) }
            }
            entry = current.pointee.ai_next
        }
        return .success(Array(found.prefix(3)))
    }
}

struct DoctorResolverError: Error, Sendable {
    var message: String
}

/// A failure below HTTP, as the step that failed and what to do about it.
enum DoctorTransportFailure {
    static func explain(_ error: TransportError, service: String, authority: String) -> (detail: String, fix: String) {
        switch error.kind {
        case .dns:
            return ("\(authority) does not resolve (\(error.message))",
                    "check the \(service) endpoint's name and this host's DNS (/etc/resolv.conf), or the proxy's")
        case .connect:
            return ("cannot connect to \(authority) (\(error.message))",
                    "check that \(authority) is reachable from this host: firewall, security group, or a proxy "
                        + "(https_proxy) this network requires")
        case .tls:
            return ("TLS verification of \(authority) failed (\(error.message))",
                    "install the system CA certificates (apt-get install ca-certificates); behind a TLS-inspecting "
                        + "proxy, trust its CA; check the endpoint is the service's own name")
        case .timeout, .stalled:
            return ("\(authority) did not answer in time (\(error.message))",
                    "check the network path to \(authority) (firewall dropping packets, proxy)")
        default:
            return ("the request to \(authority) failed: \(error.description)",
                    "check the \(service) endpoint URL and the network path to it")
        }
    }
}
