import Foundation
import HoistCore
import HoistEmulator
import Testing

/// The official OSS SDKs (oss2 and alibabacloud-oss-v2) against the emulator with signature checks
/// on: put/head/get, multipart, resumable upload with 4 threads, V1, V4, STS, and the negatives.
@Suite(.serialized) struct OSSSDKFidelityTests {
    static let key = OSSAccessKey(id: "LTAI5tExampleAccessKeyId", secret: "ExampleAccessKeySecret0123456789ab")
    static let sts = OSSAccessKey(id: "STS.NUexampleTemporaryKeyId", secret: "ExampleTemporarySecret0123456789cd",
                                  securityToken: "CAISexampleSecurityToken/with+special=chars")

    @Test(.timeLimit(.minutes(10)))
    func officialOSSSDKsAgreeWithTheEmulator() async throws {
        let python = try await PythonSDKEnvironment.python()
        let server = try await EmulatorServer.start(EmulatorConfig(buckets: ["fidelity"], accessKeys: [Self.key, Self.sts]))

        let script = PythonSDKEnvironment.scriptsDirectory.appendingPathComponent("oss_sdk_fidelity.py").path
        let environment = [
            "HOIST_EMULATOR_URL": server.baseURL, "HOIST_BUCKET": "fidelity", "HOIST_REGION": "cn-hangzhou",
            "HOIST_AK": Self.key.id, "HOIST_SK": Self.key.secret,
            "HOIST_STS_AK": Self.sts.id, "HOIST_STS_SK": Self.sts.secret, "HOIST_STS_TOKEN": Self.sts.securityToken!,
            "NO_PROXY": "*", "no_proxy": "*",
        ]
        let result = await PythonSDKEnvironment.runOffThePool(python, [script], environment: environment)
        try await server.shutdown()
        if case .failure(let error) = result { Issue.record("\(error)") }
    }
}
