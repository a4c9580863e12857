import Foundation
import Testing
@testable import HoistCore

/// Every V4 vector (canonical request, string to sign, signing key, signature, Authorization)
/// and the Go SDK v2 known answers, via the pure functions, the client entry point and the verifier.
@Suite("OSS signature V4")
struct OSSSignatureV4Tests {
    let vectors: [OSSSignatureVector]
    let knownAnswers: [OSSSignatureVector]

    init() throws {
        (vectors, knownAnswers) = try OSSSignatureVector.load("oss-signature-v4")
    }

    @Test func counts() {
        #expect(vectors.count == 24)
        #expect(vectors.filter { $0.token != nil }.count == 12)
        #expect(knownAnswers.count == 3)
    }

    /// Runs all five stages of one vector and reports the number of checks made.
    private func reproduce(_ v: OSSSignatureVector) -> Int {
        let additional = OSSSignerV4.additionalHeaders(v.additionalHeaders, present: v.headers)
        let canonical = OSSSignerV4.canonicalRequest(method: v.method, bucket: v.bucket, key: v.key, query: v.query,
                                                     headers: v.headers, additional: additional)
        #expect(canonical == v.canonicalRequest, "\(v.name)")
        let ossDate = v.ossDate!
        let day = String(ossDate.prefix(8))
        let scope = OSSSignerV4.scope(day: day, region: v.region!)
        let text = OSSSignerV4.stringToSign(canonicalRequest: canonical, ossDate: ossDate, scope: scope)
        #expect(text == v.stringToSign, "\(v.name)")
        let key = OSSSignerV4.signingKey(secret: v.secret, day: day, region: v.region!)
        #expect(key.withUnsafeBytes { OSSSignerV4.hex($0) } == v.signingKeyHex, "\(v.name)")
        let signature = OSSSignerV4.signature(stringToSign: text, signingKey: key)
        #expect(signature == v.signature, "\(v.name)")
        let authorization = OSSSignerV4.authorization(accessKeyId: v.accessKeyId, scope: scope, additional: additional, signature: signature)
        if let expected = v.authorizationV2Style {
            #expect(authorization == expected, "\(v.name)")
        }
        return 1
    }

    @Test func everyVector() {
        let ran = vectors.map(reproduce).reduce(0, +)
        #expect(ran == 24)
    }

    @Test func workedExampleFromTheNote() {
        let v = vectors[0]
        #expect(v.name == "InitiateMultipartUpload" && v.token == nil)
        #expect(v.signingKeyHex == "27ce1f1ce73246d4c85ed8ec5fafb8118b131b44c6e627c3f7ea6531cd0ab7cd")
        #expect(v.signature == "f487b607291410e36e81b3c26595a4517cbf7f9c6ed52cb4a96f31c957eab5ac")
        #expect(reproduce(v) == 1)
    }

    @Test func goSDKKnownAnswers() {
        let ran = knownAnswers.map(reproduce).reduce(0, +)
        #expect(ran == 3)
        #expect(knownAnswers.map(\.signature) == [
            "e21d18daa82167720f9b1047ae7e7f1ce7cb77a31e8203a7d5f4624fa0284afe",
            "b94a3f999cf85bcdc00d332fbd3734ba03e48382c36fa4d5af5df817395bd9ea",
            "4a4183c187c07c8947db7620deb0a6b38d9fbdd34187b6dbaccb316fa251212f",
        ])
        // The epoch times the Go tests pin map to these x-oss-date values.
        #expect(OSSDate.iso8601Basic(Date(timeIntervalSince1970: 1_702_743_657)) == "20231216T162057Z")
        #expect(OSSDate.iso8601Basic(Date(timeIntervalSince1970: 1_702_784_856)) == "20231217T034736Z")
        #expect(OSSDate.iso8601Basic(Date(timeIntervalSince1970: 1_702_747_512)) == "20231216T172512Z")
    }

    @Test func everyVectorThroughRequestSigner() throws {
        var ran = 0
        for v in vectors + knownAnswers {
            let signer = OSSRequestSigner(version: .v4, region: v.region!)
            let owned: Set<String> = ["x-oss-date", "x-oss-content-sha256", "x-oss-security-token"]
            let unsigned = v.headers.filter { !owned.contains($0.name.lowercased()) }
            let signed = signer.sign(method: v.method, bucket: v.bucket, key: v.key, query: v.query, headers: unsigned,
                                     credentials: v.credentials, date: v.time, additionalHeaders: v.additionalHeaders)
            let auth = try #require(signed.first { $0.name == "Authorization" }?.value)
            #expect(auth.hasSuffix(",Signature=" + v.signature), "\(v.name)")
            if let expected = v.authorizationV2Style { #expect(auth == expected, "\(v.name)") }
            #expect(signed.first { $0.name == "x-oss-date" }?.value == v.ossDate)
            #expect(signed.first { $0.name == "x-oss-content-sha256" }?.value == "UNSIGNED-PAYLOAD")
            #expect(signed.first { $0.name == "x-oss-security-token" }?.value == v.token)
            ran += 1
        }
        #expect(ran == 27)
    }

    @Test func additionalHeadersNormalised() {
        let headers: [(name: String, value: String)] = [("ZAbc", "v"), ("abc", "v"), ("x-oss-meta-a", "v"), ("Content-Type", "t")]
        #expect(OSSSignerV4.additionalHeaders(["zabc", "ABC", "x-oss-meta-a", "content-type", "missing", "abc"], present: headers) == ["abc", "zabc"])
    }

    @Test func canonicalQueryRules() {
        #expect(OSSSignerV4.canonicalQuery([("uploads", "")]) == "uploads")
        #expect(OSSSignerV4.canonicalQuery([("prefix", "a/b c"), ("b", "x+y")]) == "b=x%2By&prefix=a%2Fb%20c")
        #expect(OSSSignerV4.canonicalURI(bucket: "examplebucket", key: "dir one/a+b~c=d.raw") == "/examplebucket/dir%20one/a%2Bb~c%3Dd.raw")
        #expect(OSSSignerV4.canonicalURI(bucket: "b", key: nil) == "/b/")
        #expect(OSSSignerV4.canonicalURI(bucket: nil, key: nil) == "/")
    }
}
