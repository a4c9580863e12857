import Foundation
import Testing
@testable import HoistCore
@testable import HoistEmulator

/// What the client would put on the wire, checked by the verifier the emulator uses. No server:
/// integration against the emulator comes with the transport.
@Suite("OSS client requests")
struct OSSClientTests {
    static let credentials = Credentials(accessKeyId: "AKID", accessKeySecret: "s3cr3t", securityToken: "tok")
    static let now = Date(timeIntervalSince1970: 1_705_307_400)

    static func client(_ endpoint: OSSEndpoint, version: OSSRequestSigner.Version) throws -> OSSClient {
        try OSSClient(endpoint: endpoint, credentials: credentials, transport: Transport(), version: version, region: "cn-hangzhou")
    }

    /// Decodes a wire URL the way the emulator will (oss-multipart.md §0 addressing rule).
    static func received(_ request: HTTPRequest) throws -> OSSSignedRequest {
        let components = try #require(URLComponents(string: request.url))
        let host = try #require(components.host)
        var path = String(components.percentEncodedPath.dropFirst())
        var bucket: String?
        if host.hasSuffix(".aliyuncs.com"), host.split(separator: ".").count > 3 {
            bucket = String(host.split(separator: ".")[0])
        } else if !path.isEmpty {
            let parts = path.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            bucket = String(parts[0])
            path = parts.count > 1 ? String(parts[1]) : ""
        }
        let query = (components.percentEncodedQuery ?? "").split(separator: "&").map { item in
            let pair = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (name: PercentEncoding.decode(String(pair[0]))!, value: pair.count > 1 ? PercentEncoding.decode(String(pair[1]))! : "")
        }
        return OSSSignedRequest(method: request.method, bucket: bucket, key: PercentEncoding.decode(path),
                                query: query, headers: request.headers)
    }

    @Test(arguments: OSSRequestSigner.Version.allCases)
    func preparedRequestsVerify(version: OSSRequestSigner.Version) throws {
        let verifier = OSSRequestVerifier(keys: [OSSAccessKey(id: "AKID", secret: "s3cr3t", securityToken: "tok")], region: "cn-hangzhou")
        let calls: [OSSClient.Call] = [
            .init(method: "POST", bucket: "bkt", key: "dir one/a+b~c=d.raw", query: [("uploads", "")]),
            .init(method: "PUT", bucket: "bkt", key: "images/x.qcow2", query: [("partNumber", "7"), ("uploadId", "U/1+2")],
                  headers: [("Content-MD5", "1B2M2Y8AsgTpgAmY7PhCfg==")], body: .bytes([1, 2, 3])),
            .init(method: "GET", bucket: "bkt", key: nil, query: [("uploads", ""), ("max-uploads", "1000"), ("prefix", "images/")]),
            .init(method: "HEAD", bucket: "bkt", key: "日本/ü.img"),
            .init(method: "GET", bucket: "bkt", key: nil, query: [("bucketInfo", "")]),
        ]
        var ran = 0
        for endpoint in [OSSEndpoint.region("cn-hangzhou"), OSSEndpoint("http://127.0.0.1:9000")!] {
            let client = try Self.client(endpoint, version: version)
            for call in calls {
                let request = client.prepare(call, credentials: Self.credentials, date: Self.now)
                let received = try Self.received(request)
                #expect(received.bucket == call.bucket && received.key == (call.key ?? ""), "\(request.url)")
                #expect(verifier.verify(received, now: Self.now) == .success(verifier.lookup("AKID")!), "\(version) \(request.url)")
                ran += 1
            }
        }
        #expect(ran == 10)
    }

    @Test func postsAndPutsCarryAnExplicitContentType() throws {
        let client = try Self.client(.region("cn-hangzhou"), version: .v4)
        let post = client.prepare(.init(method: "POST", bucket: "b", key: "k", query: [("uploads", "")]), credentials: Self.credentials, date: Self.now)
        #expect(post.headers.filter { $0.name == "Content-Type" }.map(\.value) == ["application/octet-stream"])
        let xml = client.prepare(.init(method: "POST", bucket: "b", key: "k", headers: [("Content-Type", "application/xml")]),
                                 credentials: Self.credentials, date: Self.now)
        #expect(xml.headers.filter { $0.name.lowercased() == "content-type" }.map(\.value) == ["application/xml"])
        let head = client.prepare(.init(method: "HEAD", bucket: "b", key: "k"), credentials: Self.credentials, date: Self.now)
        #expect(!head.headers.contains { $0.name == "Content-Type" })
    }

    @Test func regionMustBeKnownAndClockOffsetIsSettable() throws {
        #expect(throws: OSSConfigurationError.self) {
            try OSSClient(endpoint: OSSEndpoint("http://127.0.0.1:9000")!, credentials: Self.credentials, transport: Transport())
        }
        let client = try OSSClient(endpoint: .region("eu-central-1"), credentials: Self.credentials, transport: Transport())
        #expect(client.signer.region == "eu-central-1" && client.signer.version == .v4)
        client.clockOffset = -42.5
        #expect(client.clockOffset == -42.5)
        #expect(!"\(Self.credentials)".contains("s3cr3t"))
    }
}
