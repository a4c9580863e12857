import Foundation
import Testing
@testable import HoistCore
@testable import HoistEmulator

/// The verifier's refusals, each with the code ECS uses. Requests are made by the client's own
/// signer, then damaged one way at a time.
@Suite struct ECSRequestVerifierTests {
    static let now = ECSTimestamp.parse("2024-01-15T08:30:00Z")!
    static let key = Credentials(accessKeyId: "LTAI5tExampleAccessKeyId", accessKeySecret: "ExampleAccessKeySecret0123456789ab")
    static let sts = Credentials(accessKeyId: "STS.NUexampleTemporaryKeyId", accessKeySecret: "ExampleTemporarySecret0123456789cd",
                                 securityToken: "CAISexampleSecurityToken/with+special=chars")

    static func verifier(nonces: ECSNonceCache? = ECSNonceCache(), tokenExpiration: Double? = nil) -> ECSRequestVerifier {
        ECSRequestVerifier(nonces: nonces) { id in
            switch id {
            case key.accessKeyId: return ECSAccessKeyRecord(secret: key.accessKeySecret)
            case sts.accessKeyId: return ECSAccessKeyRecord(secret: sts.accessKeySecret, securityToken: sts.securityToken,
                                                            tokenExpiration: tokenExpiration)
            case "LTAIdisabled": return ECSAccessKeyRecord(secret: "x", isActive: false)
            default: return nil
            }
        }
    }

    /// Signs like the client, then turns the request into what a server receives.
    static func received(_ method: ECSSignatureMethod, credentials: Credentials = key, date: Date = now, nonce: String = "n-1",
                         params: [(name: String, value: String)] = [("RegionId", "cn-hangzhou"), ("Description", "a b*c~")],
                         httpMethod: String = "POST", edit: (inout HTTPRequest) -> Void = { _ in }) -> ECSReceivedRequest {
        var request = ECSRequestSigner(endpoint: .region("cn-hangzhou"), method: method, httpMethod: httpMethod)
            .sign(action: "DescribeImages", parameters: params, credentials: credentials, date: date, nonce: nonce)
        edit(&request)
        let target = String(request.url.drop { $0 != "/" }.dropFirst(2).drop { $0 != "/" })
        return ECSReceivedRequest(method: request.method, target: target, headers: request.headers)
    }

    static func code(_ request: ECSReceivedRequest, _ verifier: ECSRequestVerifier = verifier(), now: Date = now) -> String? {
        do {
            _ = try verifier.verify(request, now: now)
            return nil
        } catch {
            return error.code
        }
    }

    @Test(arguments: ECSSignatureMethod.allCases) func acceptsOwnRequests(method: ECSSignatureMethod) throws {
        for credentials in [Self.key, Self.sts] {
            for httpMethod in ["POST", "GET"] {
                let verified = try Self.verifier().verify(Self.received(method, credentials: credentials, httpMethod: httpMethod), now: Self.now)
                #expect(verified.action == "DescribeImages")
                #expect(verified.parameters["Description"] == "a b*c~")
            }
        }
    }

    @Test func acceptsParametersInAFormBody() throws {
        let params = [("AccessKeyId", Self.key.accessKeyId), ("Action", "CancelTask"), ("Format", "JSON"), ("RegionId", "cn-hangzhou"),
                      ("SignatureMethod", "HMAC-SHA1"), ("SignatureNonce", "form-1"), ("SignatureVersion", "1.0"),
                      ("TaskId", "t-1 2"), ("Timestamp", "2024-01-15T08:30:00Z"), ("Version", "2014-05-26")]
        let signature = RPCSignatureV1.sign(method: "POST", params: params, secret: Self.key.accessKeySecret).signature
        let body = Array((params.dropFirst(5).map { "\($0.0)=\(PercentEncoding.encode($0.1))" }.joined(separator: "&")
                          + "&Signature=" + PercentEncoding.encode(signature)).utf8)
        let query = params.prefix(5).map { "\($0.0)=\(PercentEncoding.encode($0.1))" }.joined(separator: "&")
        let request = ECSReceivedRequest(method: "POST", target: "/?" + query,
                                         headers: [("Content-Type", "application/x-www-form-urlencoded")], body: body)
        let verified = try Self.verifier().verify(request, now: Self.now)
        #expect(verified.parameters["TaskId"] == "t-1 2")
    }

    @Test(arguments: ["Action", "Version", "AccessKeyId", "Signature", "Timestamp", "SignatureMethod", "SignatureNonce"])
    func v1MissingParameter(name: String) {
        let request = Self.received(.v1) { r in
            let parts = r.url.split(separator: "?")
            let kept = parts[1].split(separator: "&").filter { !$0.hasPrefix(name + "=") }
            r.url = parts[0] + "?" + kept.joined(separator: "&")
        }
        do {
            _ = try Self.verifier().verify(request, now: Self.now)
            Issue.record("accepted without \(name)")
        } catch {
            #expect(error.code == "MissingParameter")
            #expect(error.message.contains("\"\(name)\""))
        }
    }

    @Test func unknownAndInactiveKeys() {
        let unknown = Credentials(accessKeyId: "LTAInobody", accessKeySecret: "x")
        #expect(Self.code(Self.received(.v1, credentials: unknown)) == "InvalidAccessKeyId.NotFound")
        #expect(Self.code(Self.received(.acs3, credentials: unknown)) == "InvalidAccessKeyId.NotFound")
        #expect(ECSError.accessKeyNotFound.httpStatus == 404)
        let disabled = Credentials(accessKeyId: "LTAIdisabled", accessKeySecret: "x")
        #expect(Self.code(Self.received(.v1, credentials: disabled)) == "InvalidAccessKeyId.Inactive")
    }

    @Test(arguments: ECSSignatureMethod.allCases) func wrongSecretEchoesStringToSign(method: ECSSignatureMethod) {
        let wrong = Credentials(accessKeyId: Self.key.accessKeyId, accessKeySecret: "not-the-secret")
        do {
            _ = try Self.verifier().verify(Self.received(method, credentials: wrong), now: Self.now)
            Issue.record("accepted a wrong signature")
        } catch {
            #expect(error.code == "SignatureDoesNotMatch")
            #expect(error.message.hasPrefix("Specified signature is not matched with our calculation. server string to sign is:"))
            #expect(error.message.contains(method == .v1 ? "POST&%2F&AccessKeyId" : "ACS3-HMAC-SHA256\n"))
        }
    }

    @Test func tamperedParameterFailsBothSchemes() {
        for method in ECSSignatureMethod.allCases {
            let request = Self.received(method) { $0.url = $0.url.replacingOccurrences(of: "cn-hangzhou", with: "cn-beijing") }
            #expect(Self.code(request) == "SignatureDoesNotMatch")
        }
    }

    @Test(arguments: ECSSignatureMethod.allCases) func timestamps(method: ECSSignatureMethod) {
        let skewed = Self.now.addingTimeInterval(16 * 60)
        #expect(Self.code(Self.received(method, date: skewed)) == "InvalidTimeStamp.Expired")
        #expect(Self.code(Self.received(method, date: Self.now.addingTimeInterval(-14 * 60))) == nil)
        let malformed = Self.received(method) { r in
            r.url = r.url.replacingOccurrences(of: "2024-01-15T08%3A30%3A00Z", with: "2024-01-15%2008%3A30")
            r.headers = r.headers.map { $0.name == "x-acs-date" ? ($0.name, "15/01/2024") : $0 }
        }
        #expect(Self.code(malformed) == "IllegalTimestamp")
    }

    @Test(arguments: ECSSignatureMethod.allCases) func nonceReuse(method: ECSSignatureMethod) {
        let verifier = Self.verifier()
        #expect(Self.code(Self.received(method, nonce: "same"), verifier) == nil)
        #expect(Self.code(Self.received(method, nonce: "same"), verifier) == "SignatureNonceUsed")
        #expect(Self.code(Self.received(method, nonce: "other"), verifier) == nil)
        // A failed signature does not burn the nonce.
        let wrong = Credentials(accessKeyId: Self.key.accessKeyId, accessKeySecret: "bad")
        #expect(Self.code(Self.received(method, credentials: wrong, nonce: "fresh"), verifier) == "SignatureDoesNotMatch")
        #expect(Self.code(Self.received(method, nonce: "fresh"), verifier) == nil)
        // Forgotten after the window.
        let later = Self.now.addingTimeInterval(901)
        #expect(Self.code(Self.received(method, date: later, nonce: "same"), verifier, now: later) == nil)
    }

    @Test(arguments: ECSSignatureMethod.allCases) func securityTokens(method: ECSSignatureMethod) {
        var noToken = Self.sts
        noToken.securityToken = nil
        #expect(Self.code(Self.received(method, credentials: noToken)) == "InvalidSecurityToken.Malformed")
        var otherToken = Self.sts
        otherToken.securityToken = "CAISanother"
        #expect(Self.code(Self.received(method, credentials: otherToken)) == "InvalidSecurityToken.MismatchWithAccessKey")
        var tokenOnPlainKey = Self.key
        tokenOnPlainKey.securityToken = "CAISunexpected"
        #expect(Self.code(Self.received(method, credentials: tokenOnPlainKey)) == "InvalidSecurityToken.MismatchWithAccessKey")
        let expired = Self.verifier(tokenExpiration: Self.now.timeIntervalSince1970 - 1)
        #expect(Self.code(Self.received(method, credentials: Self.sts), expired) == "InvalidSecurityToken.Expired")
    }

    @Test func v1MethodAndVersion() {
        let sha256 = Self.received(.v1) { $0.url = $0.url.replacingOccurrences(of: "HMAC-SHA1", with: "HMAC-SHA256") }
        #expect(Self.code(sha256) == "InvalidParameter")
        let version = Self.received(.v1) { $0.url = $0.url.replacingOccurrences(of: "2014-05-26", with: "2016-01-01") }
        #expect(Self.code(version) == "InvalidParameter")
    }

    @Test func acs3HeaderRules() {
        let unsignedDate = Self.received(.acs3) { r in
            r.headers = r.headers.map { h in
                guard h.name == "Authorization" else { return h }
                return (h.name, h.value.replacingOccurrences(of: "x-acs-date;", with: ""))
            }
        }
        #expect(Self.code(unsignedDate) == "IncompleteSignature")
        let garbled = Self.received(.acs3) { r in
            r.headers = r.headers.map { $0.name == "Authorization" ? ($0.name, "ACS3-HMAC-SHA256 Credential=x") : $0 }
        }
        #expect(Self.code(garbled) == "IncompleteSignature")
        let noAction = Self.received(.acs3) { r in r.headers.removeAll { $0.name == "x-acs-action" } }
        #expect(Self.code(noAction) == "MissingParameter")
        var withBody = Self.received(.acs3)
        withBody.body = Array("unexpected".utf8)
        #expect(Self.code(withBody) == "InvalidParameter")
    }

    @Test func percentEncodingRules() {
        #expect(PercentEncoding.encode("a b*c~d/e:f+g=h&é") == "a%20b%2Ac~d%2Fe%3Af%2Bg%3Dh%26%C3%A9")
        #expect(ECSPercentEncoding.formDecode("a+b%2Bc%20d%zz") == "a b+c d%zz")
        let pairs = ECSPercentEncoding.parseForm("A=1&B&C=x%3Dy&&D=")
        #expect(pairs.map(\.name) == ["A", "B", "C", "D"])
        #expect(pairs.map(\.value) == ["1", "", "x=y", ""])
        #expect(RPCSignatureV1.canonicalizedQuery([("b", "1"), ("B", "2"), ("a", "3"), ("Signature", "x")]) == "B=2&a=3&b=1")
    }

    @Test func timestampFormats() {
        let date = ECSTimestamp.parse("2024-02-29T23:59:59Z")!
        #expect(ECSTimestamp.format(date) == "2024-02-29T23:59:59Z")
        #expect(ECSTimestamp.parse("2015-11-23T02:13Z") == ECSTimestamp.parse("2015-11-23T02:13:00Z"))
        #expect(ECSTimestamp.parse("2024-01-15T08:30:00.250Z")!.timeIntervalSince1970 == ECSTimestamp.parse("2024-01-15T08:30:00Z")!.timeIntervalSince1970 + 0.25)
        for bad in ["2023-02-29T00:00:00Z", "2024-01-15 08:30:00Z", "2024-01-15T08:30:00", "2024-13-01T00:00:00Z", "", "2024-01-15T24:00:00Z"] {
            #expect(ECSTimestamp.parse(bad) == nil, "\(bad)")
        }
        #expect(ECSTimestamp.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
    }
}
