import Foundation

/// Turns one RPC call (action + business parameters) into a signed `HTTPRequest`.
///
/// Pure: the time and nonce are arguments, so tests can reproduce the reference vectors byte for
/// byte. The wire shape follows the current SDK: POST to `/`, every parameter in the query,
/// empty body. With v1 the common parameters match the SDK's `signature_algorithm=v2` path
/// (`Format=json`, no `SignatureType`).
public struct ECSRequestSigner: Sendable {
    public static let apiVersion = "2014-05-26"

    public var endpoint: ECSEndpoint
    /// The API version signed and sent: ECS's by default; STS (`2015-04-01`) signs the same way.
    public var version: String
    public var method: ECSSignatureMethod
    /// `POST` (the default, as the current SDK) or `GET`.
    public var httpMethod: String
    public var userAgent: String
    /// Sent and, with ACS3, signed. Lets a test mirror another client's headers exactly.
    public var extraHeaders: [(name: String, value: String)]

    public init(endpoint: ECSEndpoint, version: String = ECSRequestSigner.apiVersion, method: ECSSignatureMethod = .acs3,
                httpMethod: String = "POST", userAgent: String = "hoist/1 (ECS RPC)",
                extraHeaders: [(name: String, value: String)] = []) {
        self.endpoint = endpoint
        self.version = version
        self.method = method
        self.httpMethod = httpMethod
        self.userAgent = userAgent
        self.extraHeaders = extraHeaders
    }

    public func sign(action: String, parameters: [(name: String, value: String)], credentials: Credentials,
                     date: Date, nonce: String, timeout: Double? = nil) -> HTTPRequest {
        switch method {
        case .v1: return signV1(action: action, parameters: parameters, credentials: credentials, date: date, nonce: nonce, timeout: timeout)
        case .acs3: return signACS3(action: action, parameters: parameters, credentials: credentials, date: date, nonce: nonce, timeout: timeout)
        }
    }

    private func signV1(action: String, parameters: [(name: String, value: String)], credentials: Credentials,
                        date: Date, nonce: String, timeout: Double?) -> HTTPRequest {
        var params = parameters
        params += [("Action", action), ("Format", "json"), ("Version", version),
                   ("Timestamp", ECSTimestamp.format(date)), ("SignatureNonce", nonce),
                   ("SignatureMethod", RPCSignatureV1.signatureMethod),
                   ("SignatureVersion", RPCSignatureV1.signatureVersion), ("AccessKeyId", credentials.accessKeyId)]
        if let token = credentials.securityToken { params.append(("SecurityToken", token)) }
        let signature = RPCSignatureV1.sign(method: httpMethod, params: params, secret: credentials.accessKeySecret).signature
        let query = RPCSignatureV1.canonicalizedQuery(params) + "&Signature=" + PercentEncoding.encode(signature)
        var headers: [(name: String, value: String)] = [("host", endpoint.authority), ("user-agent", userAgent),
                                                        ("accept", "application/json")]
        headers += extraHeaders
        return HTTPRequest(method: httpMethod, url: endpoint.baseURL + "?" + query, headers: headers, timeout: timeout)
    }

    private func signACS3(action: String, parameters: [(name: String, value: String)], credentials: Credentials,
                          date: Date, nonce: String, timeout: Double?) -> HTTPRequest {
        var headers: [(name: String, value: String)] = [
            ("host", endpoint.authority), ("x-acs-version", version), ("x-acs-action", action),
            ("user-agent", userAgent), ("x-acs-date", ECSTimestamp.format(date)), ("x-acs-signature-nonce", nonce),
            ("accept", "application/json"), ("x-acs-content-sha256", ACS3Signature.emptyPayloadHash),
        ]
        headers += extraHeaders
        if let token = credentials.securityToken {
            headers += [("x-acs-accesskey-id", credentials.accessKeyId), ("x-acs-security-token", token)]
        }
        let signed = headers.map { $0.name.lowercased() }
        let canonical = ACS3Signature.canonicalRequest(method: httpMethod, path: "/", query: parameters,
                                                       headers: headers, signedHeaders: signed)
        let signature = ACS3Signature.signature(stringToSign: ACS3Signature.stringToSign(canonicalRequest: canonical),
                                                secret: credentials.accessKeySecret)
        headers.append(("Authorization", ACS3Signature.authorization(accessKeyId: credentials.accessKeyId,
                                                                     signedHeaders: signed, signature: signature)))
        let query = ACS3Signature.canonicalQuery(parameters)
        return HTTPRequest(method: httpMethod, url: endpoint.baseURL + (query.isEmpty ? "" : "?" + query),
                           headers: headers, timeout: timeout)
    }
}
