import Foundation
import Testing
@testable import HoistCore
@testable import HoistEmulator

/// The emulator's verifier against the V4 vectors and hand-made failures (oss-signature.md §4).
@Suite("OSS request verifier")
struct OSSRequestVerifierTests {
    let vectors: [OSSSignatureVector]
    let knownAnswers: [OSSSignatureVector]

    init() throws {
        (vectors, knownAnswers) = try OSSSignatureVector.load("oss-signature-v4")
    }

    @Test func everyV4VectorVerifiesInBothSDKStyles() {
        var ran = 0
        for v in vectors {
            let verifier = OSSRequestVerifier(keys: [v.accessKey], region: "cn-hangzhou")
            #expect(verifier.verify(v.received(authorization: v.authorization!), now: v.time) == .success(v.accessKey), "\(v.name)")
            #expect(verifier.verify(v.received(authorization: v.authorizationV2Style!), now: v.time) == .success(v.accessKey), "\(v.name)")
            ran += 1
        }
        #expect(ran == 24)
    }

    /// Known answers have no URL; the verifier sees them exactly as the Go SDK built them.
    @Test func knownAnswersVerifyIncludingOss2Layout() {
        var ran = 0
        for v in knownAnswers {
            let credential = "Credential=\(v.accessKeyId)/\(v.ossDate!.prefix(8))/cn-hangzhou/oss/aliyun_v4_request"
            let extra = v.additionalHeaders.isEmpty ? [] : ["AdditionalHeaders=" + v.additionalHeaders.joined(separator: ";")]
            let goStyle = "OSS4-HMAC-SHA256 " + ([credential] + extra + ["Signature=" + v.signature]).joined(separator: ",")
            let oss2Style = "OSS4-HMAC-SHA256 " + ([credential, "Signature=" + v.signature] + extra).joined(separator: ", ")
            let verifier = OSSRequestVerifier(keys: [v.accessKey], region: nil)
            #expect(verifier.verify(v.received(authorization: goStyle), now: v.time) == .success(v.accessKey), "\(v.name)")
            #expect(verifier.verify(v.received(authorization: oss2Style), now: v.time) == .success(v.accessKey), "\(v.name)")
            ran += 1
        }
        #expect(ran == 3)
    }

    @Test func wrongSecretGivesCanonicalRequestBack() {
        let v = vectors[2]
        let verifier = OSSRequestVerifier(keys: [OSSAccessKey(id: v.accessKeyId, secret: "nope")], region: nil)
        let result = verifier.verify(v.received(authorization: v.authorization!), now: v.time)
        #expect(result == .failure(.signatureDoesNotMatch(stringToSign: v.stringToSign, canonicalRequest: v.canonicalRequest,
                                                          provided: v.signature, accessKeyId: v.accessKeyId)))
        if case .failure(let failure) = result {
            #expect(failure.code == "SignatureDoesNotMatch")
            #expect(failure.httpStatus == 403)
        }
    }

    @Test func unknownKeyId() {
        let v = vectors[0]
        let verifier = OSSRequestVerifier(keys: [OSSAccessKey(id: "someone-else", secret: v.secret)], region: nil)
        let result = verifier.verify(v.received(authorization: v.authorization!), now: v.time)
        #expect(result == .failure(.invalidAccessKeyId(v.accessKeyId)))
    }

    @Test func skewBeyondFifteenMinutes() {
        let v = vectors[0]
        let verifier = OSSRequestVerifier(keys: [v.accessKey], region: nil)
        let request = v.received(authorization: v.authorization!)
        #expect(verifier.verify(request, now: v.time.addingTimeInterval(-900)) == .success(v.accessKey))
        let early = verifier.verify(request, now: v.time.addingTimeInterval(-901))
        #expect(early == .failure(.requestTimeTooSkewed(requestTime: "2024-01-15T08:30:00.000Z", serverTime: "2024-01-15T08:14:59.000Z")))
        // V4 ignores the Date header for the clock.
        var withStaleDate = request
        withStaleDate.headers.append(("Date", "Mon, 01 Jan 2001 00:00:00 GMT"))
        #expect(verifier.verify(withStaleDate, now: v.time) == .success(v.accessKey))
    }

    @Test func wrongToken() {
        let v = vectors.first { $0.token != nil }!
        var key = v.accessKey
        key.securityToken = "another-token"
        let verifier = OSSRequestVerifier(keys: [key], region: nil)
        #expect(verifier.verify(v.received(authorization: v.authorization!), now: v.time) == .failure(.invalidSecurityToken))
    }

    @Test func scopeMismatchIsSignatureDoesNotMatch() {
        let v = vectors[0]
        let verifier = OSSRequestVerifier(keys: [v.accessKey], region: "cn-beijing")
        let result = verifier.verify(v.received(authorization: v.authorization!), now: v.time)
        guard case .failure(.signatureDoesNotMatch) = result else {
            Issue.record("expected SignatureDoesNotMatch, got \(result)")
            return
        }
        let wrongDay = v.authorization!.replacingOccurrences(of: "/20240115/", with: "/20240116/")
        let any = OSSRequestVerifier(keys: [v.accessKey], region: nil)
        guard case .failure(.signatureDoesNotMatch) = any.verify(v.received(authorization: wrongDay), now: v.time) else {
            Issue.record("a scope day different from x-oss-date must fail")
            return
        }
    }

    @Test func malformedAndMissingAuthorization() {
        let v = vectors[0]
        let verifier = OSSRequestVerifier(keys: [v.accessKey], region: nil)
        let malformed = OSSAuthFailure.invalidArgument("Authorization header is invalid.")
        for bad in ["Bearer x", "OSS nocolon", "OSS :sig", "OSS4-HMAC-SHA256 Signature=abc",
                    "OSS4-HMAC-SHA256 Credential=id/20240115/cn-hangzhou/oss, Signature=abc",
                    "OSS4-HMAC-SHA256 Credential=\(v.accessKeyId)/20240115/cn-hangzhou/oss/aliyun_v4_request"] {
            #expect(verifier.verify(v.received(authorization: bad), now: v.time) == .failure(malformed), "\(bad)")
        }
        let emptyAdditional = v.authorizationV2Style!.replacingOccurrences(of: ",Signature=", with: ",AdditionalHeaders=,Signature=")
        let emptyItem = v.authorizationV2Style!.replacingOccurrences(of: ",Signature=", with: ",AdditionalHeaders=host;,Signature=")
        for bad in [emptyAdditional, emptyItem] {
            guard case .failure(.invalidArgument) = verifier.verify(v.received(authorization: bad), now: v.time) else {
                Issue.record("\(bad) must be InvalidArgument")
                continue
            }
        }
        var anonymous = v.received(authorization: "")
        anonymous.headers.removeAll { $0.name == "Authorization" }
        guard case .failure(let failure) = verifier.verify(anonymous, now: v.time) else {
            Issue.record("anonymous request accepted")
            return
        }
        #expect(failure.code == "AccessDenied" && failure.httpStatus == 403)
        var undated = v.received(authorization: v.authorization!)
        undated.headers.removeAll { $0.name == "x-oss-date" }
        #expect(verifier.verify(undated, now: v.time) == .failure(.accessDenied("OSS authentication requires a valid Date.")))
    }

    @Test func clientSignedRequestsVerifyForEitherVersion() {
        let credentials = Credentials(accessKeyId: "id", accessKeySecret: "secret", securityToken: "tok")
        let key = OSSAccessKey(id: "id", secret: "secret", securityToken: "tok")
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        for version in OSSRequestSigner.Version.allCases {
            let signer = OSSRequestSigner(version: version, region: "cn-shanghai")
            let query: [(name: String, value: String)] = [("uploadId", "A/B+C"), ("partNumber", "7")]
            let headers = signer.sign(method: "PUT", bucket: "bkt", key: "a b/ü+.img", query: query,
                                      headers: [("Content-MD5", "abc=="), ("x-oss-meta-x", " y ")],
                                      credentials: credentials, date: now)
            let verifier = OSSRequestVerifier(keys: [key], region: "cn-shanghai")
            let request = OSSSignedRequest(method: "PUT", bucket: "bkt", key: "a b/ü+.img", query: query.reversed(), headers: headers)
            #expect(verifier.verify(request, now: now.addingTimeInterval(60)) == .success(key), "\(version)")
            var tampered = request
            tampered.key = "a b/ü+.img2"
            guard case .failure(.signatureDoesNotMatch) = verifier.verify(tampered, now: now) else {
                Issue.record("tampered key accepted with \(version)")
                continue
            }
        }
    }
}
