import HoistCore
import Foundation

/// Server-side authentication of ECS RPC requests, for the emulator: it accepts what ECS
/// accepts and answers everything else with the error code ECS would use.
///
/// The scheme is chosen as ECS does: an `Authorization: ACS3-HMAC-SHA256 …` header means ACS3;
/// anything else is signature v1 over the query and form parameters.
public struct ECSRequestVerifier: Sendable {
    public typealias KeyLookup = @Sendable (_ accessKeyId: String) -> ECSAccessKeyRecord?

    public var lookup: KeyLookup
    /// Largest accepted distance between the request's time and the server's, in seconds.
    public var maxClockSkew: Double
    /// Nil disables replay detection (useful when a test resends a captured request).
    public var nonces: ECSNonceCache?
    /// API versions served; ECS answers others with `InvalidParameter`.
    public var versions: Set<String>

    public init(maxClockSkew: Double = 900, nonces: ECSNonceCache? = ECSNonceCache(),
                versions: Set<String> = ["2014-05-26"], lookup: @escaping KeyLookup) {
        self.lookup = lookup
        self.maxClockSkew = maxClockSkew
        self.nonces = nonces
        self.versions = versions
    }

    /// Checks one request at server time `now`.
    public func verify(_ request: ECSReceivedRequest, now: Date = Date()) throws(ECSError) -> ECSVerifiedRequest {
        if let auth = request.header("authorization"), auth.hasPrefix(ACS3Signature.algorithm) {
            return try verifyACS3(request, authorization: auth, now: now)
        }
        return try verifyV1(request, now: now)
    }

    // MARK: - Signature v1

    private func verifyV1(_ request: ECSReceivedRequest, now: Date) throws(ECSError) -> ECSVerifiedRequest {
        let all = request.query + request.form
        let params = merged(request)
        func required(_ name: String) throws(ECSError) -> String {
            guard let value = params[name], !value.isEmpty else { throw .missingParameter(name) }
            return value
        }
        let action = try required("Action")
        let version = try required("Version")
        let accessKeyId = try required("AccessKeyId")
        let signature = try required("Signature")
        let timestamp = try required("Timestamp")
        let method = try required("SignatureMethod")
        let nonce = try required("SignatureNonce")
        guard versions.contains(version) else { throw .invalidParameter("Version", "Action or Version is not valid.") }
        guard method == RPCSignatureV1.signatureMethod else { throw .invalidParameter("SignatureMethod") }
        if let sv = params["SignatureVersion"], sv != RPCSignatureV1.signatureVersion {
            throw .invalidParameter("SignatureVersion")
        }
        try checkTime(timestamp, name: "Timestamp", now: now)
        let record = try key(accessKeyId, token: params["SecurityToken"], now: now)
        let expected = RPCSignatureV1.sign(method: request.method, params: all, secret: record.secret)
        guard constantTimeEqual(expected.signature, signature) else {
            throw .signatureDoesNotMatch(serverStringToSign: expected.stringToSign)
        }
        try claim(nonce, accessKeyId: accessKeyId, now: now)
        return ECSVerifiedRequest(scheme: .rpcV1, accessKeyId: accessKeyId, action: action, version: version, parameters: params)
    }

    // MARK: - ACS3-HMAC-SHA256

    private func verifyACS3(_ request: ECSReceivedRequest, authorization: String, now: Date) throws(ECSError) -> ECSVerifiedRequest {
        guard let auth = ACS3Signature.Authorization(parsing: authorization) else {
            throw .incompleteSignature("The Authorization header must carry Credential, SignedHeaders and Signature.")
        }
        func header(_ name: String) throws(ECSError) -> String {
            guard let value = request.header(name), !value.isEmpty else { throw .missingParameter(name) }
            return value
        }
        let action = try header("x-acs-action")
        let version = try header("x-acs-version")
        let date = try header("x-acs-date")
        let nonce = try header("x-acs-signature-nonce")
        let contentHash = try header("x-acs-content-sha256")
        _ = try header("host")
        for name in ACS3Signature.requiredSignedHeaders where !auth.signedHeaders.contains(name) {
            throw .incompleteSignature("The header \"\(name)\" must be signed.")
        }
        for name in auth.signedHeaders where request.header(name) == nil {
            throw .incompleteSignature("The signed header \"\(name)\" is not in the request.")
        }
        guard versions.contains(version) else { throw .invalidParameter("x-acs-version", "Action or Version is not valid.") }
        try checkTime(date, name: "x-acs-date", now: now)
        guard contentHash.lowercased() == ACS3Signature.payloadHash(request.body) else {
            throw .invalidParameter("x-acs-content-sha256", "It does not match the SHA-256 of the request body.")
        }
        let record = try key(auth.credential, token: request.header("x-acs-security-token"), now: now)
        let canonical = ACS3Signature.canonicalRequest(
            method: request.method, path: request.path, query: request.query,
            headers: request.headers, signedHeaders: auth.signedHeaders)
        let stringToSign = ACS3Signature.stringToSign(canonicalRequest: canonical)
        let expected = ACS3Signature.signature(stringToSign: stringToSign, secret: record.secret)
        guard constantTimeEqual(expected, auth.signature.lowercased()) else {
            throw .signatureDoesNotMatch(serverStringToSign: stringToSign)
        }
        try claim(nonce, accessKeyId: auth.credential, now: now)
        return ECSVerifiedRequest(scheme: .acs3, accessKeyId: auth.credential, action: action, version: version,
                                  parameters: merged(request))
    }

    // MARK: - Shared checks

    private func merged(_ request: ECSReceivedRequest) -> [String: String] {
        var params: [String: String] = [:]
        for (name, value) in request.query + request.form where params[name] == nil { params[name] = value }
        return params
    }

    private func checkTime(_ text: String, name: String, now: Date) throws(ECSError) {
        guard let time = ECSTimestamp.parse(text) else { throw .illegalTimestamp(name, text) }
        guard abs(time.timeIntervalSince(now)) <= maxClockSkew else { throw .timestampExpired }
    }

    private func key(_ accessKeyId: String, token: String?, now: Date) throws(ECSError) -> ECSAccessKeyRecord {
        guard let record = lookup(accessKeyId) else { throw .accessKeyNotFound }
        guard record.isActive else { throw .accessKeyInactive }
        switch (record.securityToken, token.flatMap { $0.isEmpty ? nil : $0 }) {
        case (nil, nil):
            break
        case (nil, .some):
            throw .securityTokenMismatch
        case (.some, nil):
            throw .securityTokenMalformed
        case let (.some(expected), .some(given)):
            guard expected == given else { throw .securityTokenMismatch }
            if let expiry = record.tokenExpiration, now.timeIntervalSince1970 >= expiry { throw .securityTokenExpired }
        }
        return record
    }

    private func claim(_ nonce: String, accessKeyId: String, now: Date) throws(ECSError) {
        guard let nonces else { return }
        guard nonces.claim(nonce, accessKeyId: accessKeyId, now: now.timeIntervalSince1970) else {
            throw .signatureNonceUsed
        }
    }

    /// Compares without an early exit, so timing does not reveal how much of a guess matched.
    private func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<x.count { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}
