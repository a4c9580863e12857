import Foundation
import HoistCore
import HoistEmulator
import Testing

/// The official ECS SDK (aliyun-python-sdk-core's AcsClient with aliyun-python-sdk-ecs requests)
/// against the emulator with signature checks on: ImportImage followed to Available,
/// DescribeImages' default filter, ClientToken replay, DescribeTasks, DescribeTaskAttribute,
/// CancelTask, STS, the real error codes, and a wrong secret.
@Suite(.serialized) struct ECSSDKFidelityTests {
    @Test(.timeLimit(.minutes(10)))
    func officialECSSDKAgreesWithTheEmulator() async throws {
        let python = try await PythonSDKEnvironment.python()
        // Short imports keep the run quick; long enough that "right after ImportImage" is Creating.
        let server = try await EmulatorServer.start(EmulatorConfig(
            buckets: ["fidelity"], accessKeys: [PythonSDKEnvironment.key, PythonSDKEnvironment.sts],
            ecs: ECSEmulatorSettings(importSeconds: 2)))

        let result = await PythonSDKEnvironment.runScript("ecs_sdk_fidelity.py", python: python,
                                                          emulatorURL: server.baseURL, bucket: "fidelity")
        let counters = server.ecs.counters()
        try await server.shutdown()
        if case .failure(let error) = result { Issue.record("\(error)") }
        #expect(counters.idempotentReplays == 1, "the SDK's ClientToken retry created no second image")
    }
}
