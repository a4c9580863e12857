import Foundation
import Testing
@testable import HoistCore
@testable import HoistEmulator

/// Every vector of `ecs-rpc-signature.json`, on both sides: the signer reproduces the canonical
/// strings and signatures, and the verifier accepts the request as the SDK put it on the wire.
@Suite struct ECSSignatureVectorTests {
    static let vectorTime = ECSTimestamp.parse("2024-01-15T08:30:00Z")!

    static func pairs(_ any: Any?) -> [(name: String, value: String)] {
        (any as! [[String]]).map { ($0[0], $0[1]) }
    }

    static func vectors(_ section: String) throws -> [[String: Any]] {
        try Fixtures.json("ecs-rpc-signature")[section] as! [[String: Any]]
    }

    static func keyLookup(_ v: [String: Any]) -> ECSRequestVerifier.KeyLookup {
        let id = v["access_key_id"] as! String
        let record = ECSAccessKeyRecord(secret: v["access_key_secret"] as! String, securityToken: v["security_token"] as? String)
        return { $0 == id ? record : nil }
    }

    @Test func vectorCounts() throws {
        #expect(try Self.vectors("rpc_signature_v1").count == 16)
        #expect(try Self.vectors("acs3_hmac_sha256").count == 7)
        #expect(try Self.vectors("known_answers").count == 1)
        let v1 = try Self.vectors("rpc_signature_v1")
        #expect(v1.filter { ($0["sdk_path"] as! String).hasPrefix("aliyun-python-sdk-core") }.count == 9)
        #expect(v1.filter { ($0["sdk_path"] as! String).hasPrefix("tea-openapi") }.count == 7)
        #expect(v1.filter { $0["security_token"] is String }.count == 5)
        #expect(v1.filter { ($0["method"] as! String) == "GET" }.count == 7)
    }

    @Test func documentedKnownAnswer() throws {
        let v = try Self.vectors("known_answers")[0]
        let params = Self.pairs(v["signed_params"])
        let canonical = RPCSignatureV1.canonicalizedQuery(params)
        #expect(canonical == v["canonicalized_query_string"] as? String)
        let sts = RPCSignatureV1.stringToSign(method: "GET", canonicalizedQuery: canonical)
        #expect(sts == v["string_to_sign"] as? String)
        #expect(RPCSignatureV1.signature(stringToSign: sts, secret: "testsecret") == "OLeaidS1JvxuMvnyHOwuJ+uX5qY=")
    }

    @Test func everyRPCv1Vector() throws {
        var reproduced = 0
        for v in try Self.vectors("rpc_signature_v1") {
            let name = v["name"] as! String
            let params = Self.pairs(v["signed_params"])
            let canonical = RPCSignatureV1.canonicalizedQuery(params)
            #expect(canonical == v["canonicalized_query_string"] as? String, "\(name)")
            let sts = RPCSignatureV1.stringToSign(method: v["method"] as! String, canonicalizedQuery: canonical)
            #expect(sts == v["string_to_sign"] as? String, "\(name)")
            let signature = RPCSignatureV1.signature(stringToSign: sts, secret: v["access_key_secret"] as! String)
            #expect(signature == v["signature"] as? String, "\(name)")
            #expect(v["hmac_key"] as? String == (v["access_key_secret"] as! String) + "&", "\(name)")
            if signature == v["signature"] as? String { reproduced += 1 }
        }
        #expect(reproduced == 16)
    }

    /// The server side: parse the URL exactly as sent (core SDK `%20`, tea SDK `+`) and verify.
    @Test func verifierAcceptsEveryRPCv1VectorAsSent() throws {
        for v in try Self.vectors("rpc_signature_v1") {
            let url = (v["url"] ?? v["url_as_sent"]) as! String
            let target = String(url.drop { $0 != "/" }.dropFirst(2).drop { $0 != "/" })
            var headers: [(name: String, value: String)] = [("host", v["endpoint"] as! String)]
            if let h = v["headers"] as? [String: String] { headers = h.map { ($0.key, $0.value) } }
            let request = ECSReceivedRequest(method: v["method"] as! String, target: target, headers: headers)
            let verifier = ECSRequestVerifier(lookup: Self.keyLookup(v))
            let verified = try verifier.verify(request, now: Self.vectorTime)
            #expect(verified.scheme == .rpcV1)
            #expect(verified.accessKeyId == v["access_key_id"] as? String)
            #expect(verified.parameters["RegionId"] == "cn-hangzhou")
        }
    }

    @Test func everyACS3Vector() throws {
        var reproduced = 0
        for v in try Self.vectors("acs3_hmac_sha256") {
            let name = v["name"] as! String
            let headers = (v["headers"] as! [String: String]).map { (name: $0.key, value: $0.value) }
            let query = (v["query"] as! [String: String]).map { (name: $0.key, value: $0.value) }
            let signed = (v["signed_headers"] as! String).split(separator: ";").map(String.init)
            #expect(Set(signed) == Set(headers.map(\.name)), "\(name): the SDK signs every header it sets")
            let canonical = ACS3Signature.canonicalRequest(method: v["method"] as! String, path: v["path"] as! String,
                                                           query: query, headers: headers, signedHeaders: signed)
            #expect(canonical == v["canonical_request"] as? String, "\(name)")
            let sts = ACS3Signature.stringToSign(canonicalRequest: canonical)
            #expect(sts == v["string_to_sign"] as? String, "\(name)")
            let signature = ACS3Signature.signature(stringToSign: sts, secret: v["access_key_secret"] as! String)
            #expect(signature == v["signature"] as? String, "\(name)")
            let authorization = ACS3Signature.authorization(accessKeyId: v["access_key_id"] as! String,
                                                            signedHeaders: signed, signature: signature)
            #expect(authorization == v["authorization"] as? String, "\(name)")
            #expect(ACS3Signature.payloadHash(Array((v["body"] as! String).utf8)) == ACS3Signature.emptyPayloadHash)
            if authorization == v["authorization"] as? String { reproduced += 1 }
        }
        #expect(reproduced == 7)
    }

    @Test func verifierAcceptsEveryACS3VectorAsSent() throws {
        for v in try Self.vectors("acs3_hmac_sha256") {
            let url = v["url_as_sent"] as! String
            let target = String(url.drop { $0 != "/" }.dropFirst(2).drop { $0 != "/" })
            var headers = (v["headers"] as! [String: String]).map { (name: $0.key, value: $0.value) }
            headers.append(("Authorization", v["authorization"] as! String))
            let request = ECSReceivedRequest(method: "POST", target: target, headers: headers)
            let verified = try ECSRequestVerifier(lookup: Self.keyLookup(v)).verify(request, now: Self.vectorTime)
            #expect(verified.scheme == .acs3)
            #expect(verified.action == (v["headers"] as! [String: String])["x-acs-action"])
        }
    }

    /// The client's own signer, fed the vector's inputs, produces the SDK's exact requests.
    @Test func signerReproducesTeaSDKRequests() throws {
        let ua = "AlibabaCloud (vector-generator) Python/3 TeaDSL/2"
        let nonce = "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"
        for v in try Self.vectors("acs3_hmac_sha256") {
            let credentials = Credentials(accessKeyId: v["access_key_id"] as! String, accessKeySecret: v["access_key_secret"] as! String,
                                          securityToken: v["security_token"] as? String)
            let h = v["headers"] as! [String: String]
            let signer = ECSRequestSigner(endpoint: .region("cn-hangzhou"), method: .acs3, userAgent: ua,
                                          extraHeaders: [("x-acs-credentials-provider", h["x-acs-credentials-provider"]!)])
            let query = (v["query"] as! [String: String]).map { (name: $0.key, value: $0.value) }
            let request = signer.sign(action: h["x-acs-action"]!, parameters: query, credentials: credentials,
                                      date: Self.vectorTime, nonce: nonce)
            #expect(request.headers.first { $0.name == "Authorization" }?.value == v["authorization"] as? String, "\(v["name"]!)")
        }
        for v in try Self.vectors("rpc_signature_v1") where (v["sdk_path"] as! String).hasPrefix("tea-openapi") {
            let credentials = Credentials(accessKeyId: v["access_key_id"] as! String, accessKeySecret: v["access_key_secret"] as! String,
                                          securityToken: v["security_token"] as? String)
            let common: Set = ["AccessKeyId", "Action", "Format", "SecurityToken", "SignatureMethod", "SignatureNonce",
                               "SignatureVersion", "Timestamp", "Version"]
            let params = Self.pairs(v["signed_params"])
            let business = params.filter { !common.contains($0.name) }
            let action = params.first { $0.name == "Action" }!.value
            let request = ECSRequestSigner(endpoint: .region("cn-hangzhou"), method: .v1)
                .sign(action: action, parameters: business, credentials: credentials, date: Self.vectorTime, nonce: nonce)
            let sent = ECSPercentEncoding.parseForm(request.url.split(separator: "?")[1])
            #expect(sent.first { $0.name == "Signature" }?.value == v["signature"] as? String, "\(v["name"]!)")
            #expect(RPCSignatureV1.canonicalizedQuery(sent) == v["canonicalized_query_string"] as? String)
        }
    }
}
