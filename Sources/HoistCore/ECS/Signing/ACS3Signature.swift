import Crypto
import Foundation

/// ACS3-HMAC-SHA256, the header-based signature the current Alibaba Cloud SDKs send by default.
///
/// Unlike OSS V4 there is no scope and no key derivation: the raw secret keys one HMAC over a
/// hash of the canonical request. The signed header list is whatever the signer chose, so a
/// verifier must take it from the `Authorization` header rather than assume a fixed set.
public enum ACS3Signature {
    public static let algorithm = "ACS3-HMAC-SHA256"
    /// SHA-256 of the empty body, which every RPC call with parameters in the query sends.
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    /// Headers a verifier insists are signed, so a replayed signature cannot be moved to
    /// another action, date or body.
    public static let requiredSignedHeaders = [
        "host", "x-acs-action", "x-acs-version", "x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256",
    ]

    public static func payloadHash(_ body: [UInt8]) -> String {
        hex(Array(SHA256.hash(data: body)))
    }

    /// The path percent-encoded with `/` kept; `/` for the RPC style.
    public static func canonicalURI(_ path: String) -> String {
        path.isEmpty ? "/" : PercentEncoding.encode(path, keepSlash: true)
    }

    /// All query parameters, encoded, sorted by encoded name (then value), `&`-joined.
    public static func canonicalQuery(_ params: [(name: String, value: String)]) -> String {
        params.map { (PercentEncoding.encode($0.name), PercentEncoding.encode($0.value)) }
            .sorted { $0.0 == $1.0 ? ECSPercentEncoding.byteOrder($0.1, $1.1) : ECSPercentEncoding.byteOrder($0.0, $1.0) }
            .map { $0.0 + "=" + $0.1 }.joined(separator: "&")
    }

    /// Builds the canonical request over exactly `signedHeaders` (lower-cased names). Repeated
    /// headers are joined with `,`; values are trimmed. The payload hash is the request's
    /// `x-acs-content-sha256` value, as the algorithm defines it.
    public static func canonicalRequest(
        method: String, path: String, query: [(name: String, value: String)],
        headers: [(name: String, value: String)], signedHeaders: [String]
    ) -> String {
        let names = signedHeaders.map { $0.lowercased() }.sorted(by: ECSPercentEncoding.byteOrder)
        var canonicalHeaders = ""
        for name in names {
            let values = headers.filter { $0.name.lowercased() == name }
                .map { $0.value.trimmingCharacters(in: .whitespaces) }
            canonicalHeaders += name + ":" + values.joined(separator: ",") + "\n"
        }
        let payload = headers.last { $0.name.lowercased() == "x-acs-content-sha256" }?.value ?? emptyPayloadHash
        return [method.uppercased(), canonicalURI(path), canonicalQuery(query), canonicalHeaders,
                names.joined(separator: ";"), payload].joined(separator: "\n")
    }

    public static func stringToSign(canonicalRequest: String) -> String {
        algorithm + "\n" + hex(Array(SHA256.hash(data: Array(canonicalRequest.utf8))))
    }

    /// Lower-hex HMAC-SHA256 keyed with the raw secret.
    public static func signature(stringToSign: String, secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: SymmetricKey(data: Array(secret.utf8)))
        return hex(Array(mac))
    }

    public static func authorization(accessKeyId: String, signedHeaders: [String], signature: String) -> String {
        let names = signedHeaders.map { $0.lowercased() }.sorted(by: ECSPercentEncoding.byteOrder)
        return "\(algorithm) Credential=\(accessKeyId),SignedHeaders=\(names.joined(separator: ";")),Signature=\(signature)"
    }

    /// The three fields of an `Authorization: ACS3-HMAC-SHA256 …` header.
    public struct Authorization: Sendable, Equatable {
        public var credential: String
        public var signedHeaders: [String]
        public var signature: String

        /// Nil when the header is not ACS3 or any field is missing or empty.
        public init?(parsing header: String) {
            let prefix = ACS3Signature.algorithm + " "
            guard header.hasPrefix(prefix) else { return nil }
            var fields: [String: String] = [:]
            for part in header.dropFirst(prefix.count).split(separator: ",") {
                guard let eq = part.firstIndex(of: "=") else { return nil }
                let key = part[..<eq].trimmingCharacters(in: .whitespaces)
                fields[key] = String(part[part.index(after: eq)...]).trimmingCharacters(in: .whitespaces)
            }
            guard let credential = fields["Credential"], !credential.isEmpty,
                  let headers = fields["SignedHeaders"], !headers.isEmpty,
                  let signature = fields["Signature"], !signature.isEmpty else { return nil }
            self.credential = credential
            self.signedHeaders = headers.split(separator: ";").map { $0.lowercased() }
            self.signature = signature
        }
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
