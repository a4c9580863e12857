import HoistCore

/// A parsed `Authorization` header value, before any key lookup (oss-signature.md §4.1).
///
/// Parsing is deliberately tolerant of the separator and key-order differences between oss2,
/// alibabacloud-oss-v2 and the Go SDK, and strict about everything the service rejects.
enum OSSAuthorization: Equatable {
    case v1(accessKeyId: String, signature: String)
    case v4(Credential, additionalHeaders: [String], signature: String)

    struct Credential: Equatable {
        var accessKeyId: String
        var day: String
        var region: String
        var product: String
        var terminator: String
    }

    static let malformed = OSSAuthFailure.invalidArgument("Authorization header is invalid.")

    static func parse(_ value: String) -> Result<OSSAuthorization, OSSAuthFailure> {
        if value.hasPrefix(OSSSignerV4.algorithm + " ") {
            return parseV4(String(value.dropFirst(OSSSignerV4.algorithm.count + 1)))
        }
        if value.hasPrefix("OSS ") {
            let body = value.dropFirst(4)
            guard let colon = body.lastIndex(of: ":") else { return .failure(malformed) }
            let id = OSSHeaderList.trimmed(String(body[..<colon]))
            let signature = OSSHeaderList.trimmed(String(body[body.index(after: colon)...]))
            guard !id.isEmpty, !signature.isEmpty else { return .failure(malformed) }
            return .success(.v1(accessKeyId: id, signature: signature))
        }
        return .failure(malformed)
    }

    private static func parseV4(_ body: String) -> Result<OSSAuthorization, OSSAuthFailure> {
        var fields: [String: String] = [:]
        for item in body.split(separator: ",", omittingEmptySubsequences: false) {
            let entry = OSSHeaderList.trimmed(String(item))
            if entry.isEmpty { continue }
            guard let equals = entry.firstIndex(of: "=") else { return .failure(malformed) }
            let name = OSSHeaderList.trimmed(String(entry[..<equals]))
            guard fields[name] == nil else { return .failure(malformed) }
            fields[name] = OSSHeaderList.trimmed(String(entry[entry.index(after: equals)...]))
        }
        guard let credentialText = fields["Credential"], let signature = fields["Signature"], !signature.isEmpty,
              let credential = parseCredential(credentialText) else { return .failure(malformed) }
        var additional: [String] = []
        if let list = fields["AdditionalHeaders"] {
            let names = list.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
            guard !list.isEmpty, !names.contains(where: \.isEmpty) else {
                return .failure(.invalidArgument("Invalid AdditionalHeaders in Authorization header."))
            }
            additional = names.map { $0.lowercased() }
        }
        return .success(.v4(credential, additionalHeaders: additional, signature: signature))
    }

    /// `<id>/<YYYYMMDD>/<region>/<product>/aliyun_v4_request`, read from the right so an id is
    /// taken whole.
    private static func parseCredential(_ text: String) -> Credential? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 5 else { return nil }
        let scope = parts.suffix(4)
        let id = parts.dropLast(4).joined(separator: "/")
        guard !id.isEmpty, !scope.contains(where: \.isEmpty) else { return nil }
        let s = Array(scope)
        return Credential(accessKeyId: id, day: s[0], region: s[1], product: s[2], terminator: s[3])
    }
}
