import Foundation
import Testing
@testable import HoistCore
@testable import HoistEmulator

/// Request building and response handling of `ECSClient`, with a fake sender instead of a server.
@Suite struct ECSClientTests {
    static let credentials = Credentials(accessKeyId: "LTAI5tExampleAccessKeyId", accessKeySecret: "ExampleAccessKeySecret0123456789ab")

    /// Records requests and answers each with the next canned response.
    final class FakeServer: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var requests: [HTTPRequest] = []
        var responses: [HTTPResponse]
        init(_ responses: [HTTPResponse]) { self.responses = responses }

        func send(_ r: HTTPRequest) -> HTTPResponse {
            lock.lock()
            defer { lock.unlock() }
            requests.append(r)
            return responses.removeFirst()
        }
    }

    static func client(_ server: FakeServer, _ method: ECSSignatureMethod = .acs3, endpoint: ECSEndpoint? = nil) -> ECSClient {
        let config = ECSClient.Configuration(regionId: "cn-hangzhou", endpoint: endpoint, signatureMethod: method,
                                             clock: { ECSTimestamp.parse("2024-01-15T08:30:00Z")! })
        return ECSClient(configuration: config, credentials: { credentials }, send: { server.send($0) })
    }

    static func ok(_ json: String) -> HTTPResponse { HTTPResponse(status: 200, headers: [], body: Array(json.utf8)) }

    static func verify(_ request: HTTPRequest) throws -> ECSVerifiedRequest {
        let target = String(request.url.drop { $0 != "/" }.dropFirst(2).drop { $0 != "/" })
        let received = ECSReceivedRequest(method: request.method, target: target, headers: request.headers)
        let verifier = ECSRequestVerifier { $0 == credentials.accessKeyId ? ECSAccessKeyRecord(secret: credentials.accessKeySecret) : nil }
        return try verifier.verify(received, now: ECSTimestamp.parse("2024-01-15T08:30:00Z")!)
    }

    @Test func endpoints() {
        #expect(ECSEndpoint.region("cn-hangzhou").baseURL == "https://ecs.cn-hangzhou.aliyuncs.com/")
        #expect(ECSEndpoint(url: "http://127.0.0.1:9000")?.baseURL == "http://127.0.0.1:9000/")
        #expect(ECSEndpoint(url: "http://127.0.0.1:9000")?.authority == "127.0.0.1:9000")
        #expect(ECSEndpoint(url: "https://ecs-vpc.cn-hangzhou.aliyuncs.com:443/")?.authority == "ecs-vpc.cn-hangzhou.aliyuncs.com")
        #expect(ECSEndpoint(url: "localhost:8080")?.scheme == "https")
        #expect(ECSEndpoint(url: "ftp://x") == nil)
        #expect(ECSEndpoint(url: "http://x/path") == nil)
        #expect(ECSEndpoint(url: "http://x:0") == nil)
        #expect(ECSEndpoint(url: "http://x:99999") == nil)
    }

    @Test(arguments: ECSSignatureMethod.allCases) func importImageRequestShape(method: ECSSignatureMethod) async throws {
        let server = FakeServer([Self.ok(#"{"RequestId":"r","ImageId":"m-1","TaskId":"t-1","RegionId":"cn-hangzhou"}"#)])
        let client = Self.client(server, method, endpoint: ECSEndpoint(url: "http://127.0.0.1:9000"))
        let response = try await client.importImage(ECSImportImageValidatorTests.vectorRequest)
        #expect(response.imageId == "m-1" && response.taskId == "t-1")
        let request = try #require(server.requests.first)
        #expect(request.method == "POST")
        #expect(request.url.hasPrefix("http://127.0.0.1:9000/?"))
        #expect(request.headers.contains { $0.name == "host" && $0.value == "127.0.0.1:9000" })
        #expect(request.timeout == 30)
        let verified = try Self.verify(request)
        #expect(verified.action == "ImportImage")
        #expect(verified.parameters["Description"] == "Imported by unit test: a*b ~c (v1)")
        #expect(verified.parameters["DiskDeviceMapping.1.OSSObject"] == "images/ubuntu-22.04.qcow2")
        if method == .acs3 {
            #expect(request.headers.contains { $0.name == "Authorization" && $0.value.hasPrefix("ACS3-HMAC-SHA256 Credential=LTAI5tExampleAccessKeyId,") })
            #expect(!request.url.contains("Signature="))
        } else {
            #expect(request.url.contains("&Signature=") && request.url.contains("SignatureMethod=HMAC-SHA1"))
            #expect(!request.headers.contains { $0.name == "Authorization" })
        }
    }

    @Test func invalidRequestIsRefusedBeforeSending() async {
        let server = FakeServer([])
        var request = ECSImportImageValidatorTests.vectorRequest
        request.imageName = "aliyun-bad"
        await #expect(throws: ImportImageViolation.self) { try await Self.client(server).importImage(request) }
        #expect(server.requests.isEmpty)
    }

    @Test func describeCallsSendTheRightParameters() async throws {
        let server = FakeServer([
            Self.ok(#"{"RequestId":"a","TotalCount":0,"Images":{"Image":[]}}"#),
            Self.ok(#"{"RequestId":"b","TaskSet":{"Task":[]}}"#),
            Self.ok(#"{"RequestId":"c","TaskId":"t-1","TaskStatus":"Finished","TaskProcess":"100%"}"#),
            Self.ok(#"{"RequestId":"d"}"#),
        ])
        let client = Self.client(server, .v1)
        _ = try await client.describeImages(DescribeImagesQuery(imageIds: ["m-1"]))
        _ = try await client.describeTasks(DescribeTasksQuery(taskIds: ["t-1", "t-2"]))
        let attr = try await client.describeTaskAttribute(taskId: "t-1")
        #expect(attr.task.taskStatus == .finished && attr.progressPercent == 100)
        let cancel = try await client.cancelTask(taskId: "t-1", regionId: "cn-beijing")
        #expect(cancel.requestId == "d")
        let params = try server.requests.map { try Self.verify($0) }
        #expect(params.map(\.action) == ["DescribeImages", "DescribeTasks", "DescribeTaskAttribute", "CancelTask"])
        #expect(params[0].parameters["Status"] == "Creating,Waiting,Available,UnAvailable,CreateFailed")
        #expect(params[0].parameters["ImageId"] == "m-1")
        #expect(params[1].parameters["TaskIds"] == "t-1,t-2" && params[1].parameters["TaskAction"] == "ImportImage")
        #expect(params[2].parameters["TaskId"] == "t-1" && params[2].parameters["RegionId"] == "cn-hangzhou")
        #expect(params[3].parameters["RegionId"] == "cn-beijing")
        // Fresh nonces every call.
        #expect(Set(params.indices.map { server.requests[$0].url.split(separator: "&").first { $0.hasPrefix("SignatureNonce=") } }).count == 4)
    }

    @Test func errorsComeBackAsECSError() async throws {
        let server = FakeServer([
            HTTPResponse(status: 403, headers: [], body: ECSError.importRoleMissing.jsonBody()),
            Self.ok("not json"),
        ])
        let client = Self.client(server)
        do {
            _ = try await client.cancelTask(taskId: "t-1")
            Issue.record("expected an error")
        } catch let error as ECSError {
            #expect(error.isMissingImportRole && error.httpStatus == 403)
        }
        do {
            _ = try await client.cancelTask(taskId: "t-1")
            Issue.record("expected an error")
        } catch let error as ECSError {
            #expect(error.code == "InvalidResponse" && !error.isRetryable)
        }
    }
}
