import Foundation
import HoistCore
import HoistEmulator
import Testing

/// The official ECS SDK (aliyun-python-sdk-core's AcsClient with aliyun-python-sdk-ecs requests)
/// against the emulator with signature checks on: ImportImage followed to Available,
/// DescribeImages' default filter, ClientToken replay, DescribeTasks, DescribeTaskAttribute,
/// CancelTask, STS, the real error codes, and a wrong secret.
@Suite(.serialized) struct ECSSDKFidelityTests {
    static let key = OSSAccessKey(id: "LTAI5tExampleAccessKeyId", secret: "ExampleAccessKeySecret0123456789ab")
    static let sts = OSSAccessKey(id: "STS.NUexampleTemporaryKeyId", secret: "ExampleTemporarySecret0123456789cd",
                                  securityToken: "CAISexampleSecurityToken/with+special=chars")

    @Test(.timeLimit(.minutes(10)))
    func officialECSSDKAgreesWithTheEmulator() async throws {
        let python = try await PythonSDKEnvironment.python()
        // Short imports keep the run quick; long enough that "right after ImportImage" is Creating.
        let server = try await EmulatorServer.start(EmulatorConfig(buckets: ["fidelity"], accessKeys: [Self.key, Self.sts],
                                                                   ecs: ECSEmulatorSettings(importSeconds: 2)))

        let script = PythonSDKEnvironment.scriptsDirectory.appendingPathComponent("ecs_sdk_fidelity.py").path
        let environment = [
            "HOIST_EMULATOR_URL": server.baseURL, "HOIST_BUCKET": "fidelity", "HOIST_REGION": "cn-hangzhou",
            "HOIST_AK": Self.key.id, "HOIST_SK": Self.key.secret,
            "HOIST_STS_AK": Self.sts.id, "HOIST_STS_SK": Self.sts.secret, "HOIST_STS_TOKEN": Self.sts.securityToken!,
            "NO_PROXY": "*", "no_proxy": "*",
        ]
        let result = await PythonSDKEnvironment.runOffThePool(python, [script], environment: environment)
        let counters = server.ecs.counters()
        try await server.shutdown()
        if case .failure(let error) = result { Issue.record("\(error)") }
        #expect(counters.idempotentReplays == 1, "the SDK's ClientToken retry created no second image")
    }
}
