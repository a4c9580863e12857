import Foundation

/// The proxy variables libcurl honours (`TransportOptions` sets no proxy of its own), listed
/// with any user:password in their URLs shown as `***`. Which proxy a given URL takes is
/// `NetworkRoute`'s to say.
struct DoctorProxyEnvironment: Sendable {
    let environment: [String: String]

    /// In the order libcurl consults them.
    static let variables = ["https_proxy", "HTTPS_PROXY", "http_proxy", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY"]

    func value(_ name: String) -> String? {
        environment[name].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
    }

    func result() -> DoctorResult {
        let set = Self.variables.compactMap { name in value(name).map { "\(name)=\(NetworkRoute.redacted($0))" } }
        guard !set.isEmpty else {
            return .pass("proxy", "proxy", "no proxy variables set: direct connections")
        }
        return .pass("proxy", "proxy", set.joined(separator: ", "))
    }
}
