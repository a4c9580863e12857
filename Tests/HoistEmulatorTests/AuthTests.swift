import Foundation
import HoistCore
import Testing
@testable import HoistEmulator

/// Signature checks end to end: requests signed by HoistCore's `OSSRequestSigner`, sent by curl,
/// verified by the emulator.
@Suite("Authentication", .timeLimit(.minutes(2)))
struct AuthTests {
    static let key = Credentials(accessKeyId: "LTAI5tExampleAccessKeyId", accessKeySecret: "ExampleAccessKeySecret0123456789ab")
    static let sts = Credentials(accessKeyId: "STS.NUexampleTemporaryKeyId", accessKeySecret: "ExampleTemporarySecret0123456789cd",
                                 securityToken: "CAISexampleSecurityToken/with+special=chars")

    static func withServer(_ body: (EmulatorServer) async throws -> Void) async throws {
        let config = EmulatorConfig(buckets: ["auth-bucket"], accessKeys: [
            OSSAccessKey(id: key.accessKeyId, secret: key.accessKeySecret),
            OSSAccessKey(id: sts.accessKeyId, secret: sts.accessKeySecret, securityToken: sts.securityToken),
        ], eventLoopThreads: 1)
        let server = try await EmulatorServer.start(config)
        do { try await body(server) } catch { try await server.shutdown(); throw error }
        try await server.shutdown()
    }

    /// curl arguments for a signed path-style request.
    static func signed(_ server: EmulatorServer, method: String, key: String?, query: [(name: String, value: String)] = [],
                       credentials: Credentials = key, version: OSSRequestSigner.Version = .v4,
                       date: Date = Date(), extra: [String] = []) -> [String] {
        let headers = OSSRequestSigner(version: version, region: "cn-hangzhou")
            .sign(method: method, bucket: "auth-bucket", key: key, query: query, headers: [], credentials: credentials, date: date)
        let path = "/auth-bucket/" + PercentEncoding.encode(key ?? "", keepSlash: true)
        let queryText = query.map { $0.value.isEmpty ? $0.name : "\($0.name)=\(PercentEncoding.encode($0.value))" }.joined(separator: "&")
        var args = method == "HEAD" ? ["-I"] : ["-X", method]
        for h in headers { args += ["-H", "\(h.name): \(h.value)"] }
        return args + extra + [server.baseURL + path + (queryText.isEmpty ? "" : "?" + queryText)]
    }

    @Test(arguments: [OSSRequestSigner.Version.v1, .v4])
    func signedMultipartFlowPasses(version: OSSRequestSigner.Version) async throws {
        try await Self.withServer { server in
            let key = "dir one/a+b~c=d.raw"
            let initiate = try await Curl.run(Self.signed(server, method: "POST", key: key, query: [("uploads", "")], version: version))
            #expect(initiate.status == 200, "\(initiate.text)")
            let id = try #require(initiate.xml("UploadId"))
            let file = try TempFile(LCG.bytes(150_000))
            defer { file.remove() }
            let part = try await Curl.run(Self.signed(server, method: "PUT", key: key, query: [("partNumber", "1"), ("uploadId", id)],
                                                      credentials: Self.sts, version: version, extra: ["-T", file.path]))
            #expect(part.status == 200, "\(part.text)")
            let list = try await Curl.run(Self.signed(server, method: "GET", key: key,
                                                      query: [("uploadId", id), ("part-number-marker", ""), ("max-parts", "1000")], version: version))
            #expect(list.xmlAll("PartNumber") == ["1"], "\(list.text)")
        }
    }

    @Test func failuresUseTheRealCodes() async throws {
        try await Self.withServer { server in
            let stranger = Credentials(accessKeyId: "LTAIunknown", accessKeySecret: "x")
            let unknown = try await Curl.run(Self.signed(server, method: "GET", key: "k", credentials: stranger))
            #expect(unknown.status == 403 && unknown.xml("Code") == "InvalidAccessKeyId")

            let wrongSecret = Credentials(accessKeyId: Self.key.accessKeyId, accessKeySecret: "wrong")
            for version in OSSRequestSigner.Version.allCases {
                let bad = try await Curl.run(Self.signed(server, method: "GET", key: "k", credentials: wrongSecret, version: version))
                #expect(bad.status == 403 && bad.xml("Code") == "SignatureDoesNotMatch")
                #expect(bad.xml("StringToSign") != nil && bad.xml("OSSAccessKeyId") == Self.key.accessKeyId)
            }

            let old = try await Curl.run(Self.signed(server, method: "GET", key: "k", date: Date().addingTimeInterval(-3600)))
            #expect(old.status == 403 && old.xml("Code") == "RequestTimeTooSkewed")

            let badToken = Credentials(accessKeyId: Self.sts.accessKeyId, accessKeySecret: Self.sts.accessKeySecret, securityToken: "other")
            let token = try await Curl.run(Self.signed(server, method: "GET", key: "k", credentials: badToken))
            #expect(token.status == 403 && token.xml("Code") == "InvalidSecurityToken")

            let anonymous = try await Curl.run([server.baseURL + "/auth-bucket/k"])
            #expect(anonymous.status == 403 && anonymous.xml("Code") == "AccessDenied")

            // Signed correctly, but the object is missing: auth passed, so NoSuchKey.
            let missing = try await Curl.run(Self.signed(server, method: "GET", key: "k"))
            #expect(missing.status == 404 && missing.xml("Code") == "NoSuchKey")
        }
    }

    @Test func serverClockSkewRejectsFreshRequests() async throws {
        try await Self.withServer { server in
            server.faults.setClockSkew(seconds: 1800)
            let r = try await Curl.run(Self.signed(server, method: "GET", key: "k"))
            #expect(r.status == 403 && r.xml("Code") == "RequestTimeTooSkewed")
            server.faults.setClockSkew(seconds: 0)
            #expect(try await Curl.run(Self.signed(server, method: "GET", key: "k")).xml("Code") == "NoSuchKey")
        }
    }

    @Test func badSignatureIsRejectedBeforeTheBodyIsSent() async throws {
        try await Self.withServer { server in
            let file = try TempFile(LCG.bytes(300_000))
            defer { file.remove() }
            let wrongSecret = Credentials(accessKeyId: Self.key.accessKeyId, accessKeySecret: "wrong")
            let r = try await Curl.run(Self.signed(server, method: "PUT", key: "big", credentials: wrongSecret,
                                                   extra: ["-T", file.path, "-H", "Expect: 100-continue", "--expect100-timeout", "5"]))
            #expect(r.status == 403 && r.xml("Code") == "SignatureDoesNotMatch")
            #expect(!r.rawHeaders.contains("100 Continue"))
            #expect(server.counters.snapshot().bodyBytes == 0)
        }
    }
}
