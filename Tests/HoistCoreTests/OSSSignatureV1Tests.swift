import Foundation
import Testing
@testable import HoistCore
@testable import HoistEmulator

/// Every V1 vector and the Go SDK v2 known answers, via the pure functions, the client entry
/// point and the verifier.
@Suite("OSS signature V1")
struct OSSSignatureV1Tests {
    let vectors: [OSSSignatureVector]
    let knownAnswers: [OSSSignatureVector]

    init() throws {
        (vectors, knownAnswers) = try OSSSignatureVector.load("oss-signature-v1")
    }

    @Test func counts() {
        #expect(vectors.count == 24)
        #expect(vectors.filter { $0.token != nil }.count == 12)
        #expect(knownAnswers.count == 2)
    }

    @Test func everyVectorStringToSignAndSignature() {
        var ran = 0
        for v in vectors {
            let text = OSSSignerV1.stringToSign(method: v.method, bucket: v.bucket, key: v.key, query: v.query, headers: v.headers)
            #expect(text == v.stringToSign, "\(v.name)")
            let signature = OSSSignerV1.signature(stringToSign: text, secret: v.secret)
            #expect(signature == v.signature, "\(v.name)")
            #expect(OSSSignerV1.authorization(accessKeyId: v.accessKeyId, signature: signature) == v.authorization, "\(v.name)")
            ran += 1
        }
        #expect(ran == 24)
    }

    @Test func everyVectorThroughRequestSigner() throws {
        let signer = OSSRequestSigner(version: .v1, region: "cn-hangzhou")
        var ran = 0
        for v in vectors {
            let unsigned = v.headers.filter { !["date", "x-oss-security-token"].contains($0.name.lowercased()) }
            let signed = signer.sign(method: v.method, bucket: v.bucket, key: v.key, query: v.query, headers: unsigned,
                                     credentials: v.credentials, date: v.time)
            let auth = try #require(signed.first { $0.name == "Authorization" }?.value)
            #expect(auth == v.authorization, "\(v.name)")
            #expect(signed.first { $0.name == "Date" }?.value == v.date)
            #expect(signed.contains { $0.name == "x-oss-security-token" } == (v.token != nil))
            #expect(!signed.contains { $0.name == "x-oss-date" })
            ran += 1
        }
        #expect(ran == 24)
    }

    @Test func goSDKKnownAnswers() {
        var ran = 0
        for v in knownAnswers {
            let text = OSSSignerV1.stringToSign(method: v.method, bucket: v.bucket, key: v.key, query: v.query, headers: v.headers)
            #expect(text == v.stringToSign, "\(v.name)")
            let signature = OSSSignerV1.signature(stringToSign: text, secret: v.secret)
            #expect(OSSSignerV1.authorization(accessKeyId: v.accessKeyId, signature: signature) == v.authorization, "\(v.name)")
            ran += 1
        }
        #expect(knownAnswers.map(\.authorization) == ["OSS ak:kSHKmLxlyEAKtZPkJhG9bZb5k7M=", "OSS ak:/afkugFbmWDQ967j1vr6zygBLQk="])
        #expect(ran == 2)
    }

    @Test func subResourcesSortedByteOrderAndUnsignedParamsDropped() {
        let resource = OSSSignerV1.canonicalizedResource(
            bucket: "b", key: "k",
            query: [("uploadId", "U"), ("max-parts", "1000"), ("partNumber", "3"), ("response-content-type", "a/b c"),
                    ("x-oss-process", "image/resize"), ("prefix", "p")])
        #expect(resource == "/b/k?partNumber=3&response-content-type=a/b c&uploadId=U&x-oss-process=image/resize")
        #expect(OSSSignerV1.canonicalizedResource(bucket: nil, key: nil, query: []) == "/")
        #expect(OSSSignerV1.canonicalizedResource(bucket: "b", key: nil, query: [("uploads", "")]) == "/b/?uploads")
    }

    @Test func canonicalHeadersTrimLowercaseAndJoinRepeats() {
        let text = OSSSignerV1.canonicalizedHeaders([("X-OSS-Meta-B", " 2 "), ("x-oss-meta-a", "1"), ("x-oss-meta-b", "3"), ("Range", "x")])
        #expect(text == "x-oss-meta-a:1\nx-oss-meta-b:2,3\n")
    }

    @Test func everyVectorVerifies() {
        var ran = 0
        for v in vectors {
            let verifier = OSSRequestVerifier(keys: [v.accessKey], region: nil)
            let result = verifier.verify(v.received(authorization: v.authorization!), now: v.time)
            #expect(result == .success(v.accessKey), "\(v.name)")
            ran += 1
        }
        for v in knownAnswers {
            let verifier = OSSRequestVerifier(keys: [v.accessKey], region: nil)
            #expect(verifier.verify(v.received(authorization: v.authorization!), now: v.time) == .success(v.accessKey))
            ran += 1
        }
        #expect(ran == 26)
    }

    @Test func wrongSecretEchoesStringToSign() {
        let v = vectors[2]
        let verifier = OSSRequestVerifier(keys: [OSSAccessKey(id: v.accessKeyId, secret: "wrong")], region: nil)
        let result = verifier.verify(v.received(authorization: v.authorization!), now: v.time)
        #expect(result == .failure(.signatureDoesNotMatch(stringToSign: v.stringToSign, canonicalRequest: nil,
                                                          provided: v.signature, accessKeyId: v.accessKeyId)))
    }

    @Test func wrongOrMissingTokenIsInvalidSecurityToken() {
        let v = vectors.first { $0.token != nil }!
        let verifier = OSSRequestVerifier(keys: [OSSAccessKey(id: v.accessKeyId, secret: v.secret, securityToken: "other")], region: nil)
        #expect(verifier.verify(v.received(authorization: v.authorization!), now: v.time) == .failure(.invalidSecurityToken))
        var stripped = v.received(authorization: v.authorization!)
        stripped.headers.removeAll { $0.name == "x-oss-security-token" }
        let strict = OSSRequestVerifier(keys: [v.accessKey], region: nil)
        #expect(strict.verify(stripped, now: v.time) == .failure(.invalidSecurityToken))
    }

    @Test func dateChecks() {
        let v = vectors[0]
        let verifier = OSSRequestVerifier(keys: [v.accessKey], region: nil)
        let request = v.received(authorization: v.authorization!)
        #expect(verifier.verify(request, now: v.time.addingTimeInterval(900)) == .success(v.accessKey))
        let late = v.time.addingTimeInterval(901)
        #expect(verifier.verify(request, now: late)
            == .failure(.requestTimeTooSkewed(requestTime: "2024-01-15T08:30:00.000Z", serverTime: "2024-01-15T08:45:01.000Z")))
        var undated = request
        undated.headers.removeAll { $0.name.lowercased() == "date" }
        #expect(verifier.verify(undated, now: v.time) == .failure(.accessDenied("OSS authentication requires a valid Date.")))
    }
}
