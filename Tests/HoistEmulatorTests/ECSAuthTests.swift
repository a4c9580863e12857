import Foundation
import HoistCore
import Testing
@testable import HoistEmulator

/// ECS signature checks end to end, routing next to OSS, counters and injected faults.
@Suite("ECS authentication and plumbing", .timeLimit(.minutes(2)))
struct ECSAuthTests {
    static let describe: [(name: String, value: String)] = [("RegionId", ECSHarness.region), ("Status", "Available")]

    @Test(arguments: [(ECSSignatureMethod.acs3, "POST"), (.acs3, "GET"), (.v1, "POST"), (.v1, "GET")])
    func bothSchemesAndMethodsAreAccepted(method: ECSSignatureMethod, httpMethod: String) async throws {
        try await ECSHarness.with { ecs in
            for credentials in [ECSHarness.key, ECSHarness.sts] {
                let r = try await ecs.raw("DescribeImages", Self.describe, method: method, httpMethod: httpMethod, credentials: credentials)
                #expect(r.status == 200, "\(method) \(httpMethod): \(String(decoding: r.body, as: UTF8.self))")
                #expect(r.header("content-type")?.hasPrefix("application/json") == true)
            }
        }
    }

    @Test(arguments: [ECSSignatureMethod.acs3, .v1])
    func wrongSecretIsSignatureDoesNotMatch(method: ECSSignatureMethod) async throws {
        try await ECSHarness.with { ecs in
            let wrong = Credentials(accessKeyId: ECSHarness.key.accessKeyId, accessKeySecret: "wrong")
            let r = try await ecs.raw("ImportImage", ECSValidationTests.disk(), method: method, credentials: wrong)
            let error = ECSError(response: r)
            #expect(r.status == 400 && error.code == "SignatureDoesNotMatch")
            #expect(error.message.contains("server string to sign is:"))
            #expect(ecs.server.ecs.counters().importImageCalls == 0, "unauthenticated calls never reach ImportImage")
        }
    }

    @Test func otherAuthenticationFailures() async throws {
        try await ECSHarness.with { ecs in
            let stranger = Credentials(accessKeyId: "LTAIunknown", accessKeySecret: "x")
            let unknown = ECSError(response: try await ecs.raw("DescribeImages", Self.describe, credentials: stranger))
            #expect(unknown.code == "InvalidAccessKeyId.NotFound" && unknown.httpStatus == 404)

            let badToken = Credentials(accessKeyId: ECSHarness.sts.accessKeyId, accessKeySecret: ECSHarness.sts.accessKeySecret,
                                       securityToken: "other")
            let token = ECSError(response: try await ecs.raw("DescribeImages", Self.describe, method: .v1, credentials: badToken))
            #expect(token.code == "InvalidSecurityToken.MismatchWithAccessKey")

            // The same signed request twice: the nonce is spent.
            let request = ecs.client(.v1).makeRequest(action: "DescribeImages", parameters: Self.describe, credentials: ECSHarness.key)
            #expect(try await ecs.transport.send(request).status == 200)
            let replay = ECSError(response: try await ecs.transport.send(request))
            #expect(replay.code == "SignatureNonceUsed")

            let old = ecs.client(.acs3).makeRequest(action: "DescribeImages", parameters: Self.describe, credentials: ECSHarness.key,
                                                    date: Date().addingTimeInterval(-3600))
            #expect(ECSError(response: try await ecs.transport.send(old)).code == "InvalidTimeStamp.Expired")

            let unsigned = try await Curl.run([ecs.server.baseURL + "/?Action=DescribeImages&RegionId=cn-hangzhou"])
            #expect(unsigned.status == 400 && unsigned.text.contains(#""Code":"MissingParameter""#), "\(unsigned.text)")

            let unknownAction = ECSError(response: try await ecs.raw("RunInstances", Self.describe))
            #expect(unknownAction.code == "InvalidAction" && unknownAction.httpStatus == 403)
        }
    }

    /// signature v1 with every parameter in a form body: ECS signs over query + form.
    @Test func formEncodedBodyIsRead() async throws {
        try await ECSHarness.with { ecs in
            var params = Self.describe + [("Action", "DescribeImages"), ("Format", "JSON"), ("Version", "2014-05-26"),
                                          ("Timestamp", ECSTimestamp.format(Date())), ("SignatureNonce", UUID().uuidString),
                                          ("SignatureMethod", "HMAC-SHA1"), ("SignatureVersion", "1.0"),
                                          ("AccessKeyId", ECSHarness.key.accessKeyId)]
            params.append(("Signature", RPCSignatureV1.sign(method: "POST", params: params, secret: ECSHarness.key.accessKeySecret).signature))
            let body = params.map { "\(PercentEncoding.encode($0.name))=\(PercentEncoding.encode($0.value))" }.joined(separator: "&")
            let r = try await Curl.run(["-X", "POST", "-H", "Content-Type: application/x-www-form-urlencoded", "--data-binary", body,
                                        ecs.server.baseURL + "/"])
            #expect(r.status == 200 && r.text.contains(#""TotalCount":0"#), "\(r.text)")
        }
    }

    @Test func authenticationOffAcceptsUnsignedCalls() async throws {
        try await ECSHarness.with(ECSEmulatorSettings(importSeconds: 0), authentication: false) { ecs in
            try await ecs.put("disks/a.raw", DiskBytes.raw())
            let r = try await Curl.run(["-X", "POST", ecs.server.baseURL + "/?Action=ImportImage&RegionId=cn-hangzhou"
                                        + "&DiskDeviceMapping.1.OSSBucket=images&DiskDeviceMapping.1.OSSObject=disks%2Fa.raw"
                                        + "&ImageName=open+access"])
            #expect(r.status == 400 && r.text.contains("InvalidImageName.Malformed"), "form decoding turns + into a space: \(r.text)")
            let ok = try await Curl.run([ecs.server.baseURL + "/?Action=ImportImage&RegionId=cn-hangzhou"
                                         + "&DiskDeviceMapping.1.OSSBucket=images&DiskDeviceMapping.1.OSSObject=disks%2Fa.raw"])
            #expect(ok.status == 200 && ok.text.contains(#""ImageId":"m-"#), "\(ok.text)")
        }
    }

    @Test func countersNameTheActionAndFaultsSpeakECS() async throws {
        try await ECSHarness.with(ECSEmulatorSettings(importSeconds: 0)) { ecs in
            _ = try await ecs.importRaw()
            _ = try await ecs.images([])
            let snapshot = ecs.server.counters.snapshot()
            #expect(snapshot.requests["ImportImage"] == 1 && snapshot.responses("ImportImage", status: 200) == 1)
            #expect(snapshot.requests["DescribeImages"] == 1 && snapshot.requests["PutObject"] == 1)

            let admin = try await Curl.run([ecs.server.baseURL + "/_hoist/admin/counters"])
            #expect(admin.text.contains(#""ecs":{"#) && admin.text.contains(#""imagesCreated":1"#), "\(admin.text)")
            let decoded = try JSONDecoder().decode(CounterSnapshot.self, from: Data(admin.body))
            #expect(decoded.requests["ImportImage"] == 1)

            ecs.server.faults.addError(ErrorFault(operation: "DescribeImages", count: 1, status: 400, code: "Throttling",
                                                  message: "Request was denied due to request throttling."))
            let throttled = await ecsError { _ = try await ecs.images([]) }
            #expect(throttled?.code == "Throttling" && throttled?.httpStatus == 400 && throttled?.isRetryable == true)
            _ = try await ecs.images([])

            let reset = try await Curl.run(["-X", "POST", ecs.server.baseURL + "/_hoist/admin/counters/reset"])
            #expect(reset.status == 200 && ecs.server.ecs.counters() == ECSCounterSnapshot())
        }
    }

    @Test func adminSettingsRoundTrip() async throws {
        try await ECSHarness.with { ecs in
            let base = ecs.server.baseURL + "/_hoist/admin/ecs"
            let posted = try await Curl.run(["-X", "POST", "-d", #"{"importSeconds":7,"failNextImports":2}"#, base + "/settings"])
            #expect(posted.status == 200)
            #expect(ecs.server.ecs.settings.importSeconds == 7 && ecs.server.ecs.settings.failNextImports == 2)
            #expect(ecs.server.ecs.settings.checksImageFormat, "fields not in the document keep their values")
            let bad = try await Curl.run(["-X", "POST", "-d", #"{"importSeconds":"soon"}"#, base + "/settings"])
            #expect(bad.status == 400)
            let state = try await Curl.run([base])
            #expect(state.status == 200 && state.text.contains(#""settings""#) && state.text.contains(#""images":[]"#))
        }
    }
}
