import Foundation
import HoistCore
import HoistEmulator
import Testing

/// The official OSS SDKs (oss2 and alibabacloud-oss-v2) against the emulator with signature checks
/// on: put/head/get, multipart, resumable upload with 4 threads, V1, V4, STS, and the negatives.
@Suite(.serialized) struct OSSSDKFidelityTests {
    @Test(.timeLimit(.minutes(10)))
    func officialOSSSDKsAgreeWithTheEmulator() async throws {
        let python = try await PythonSDKEnvironment.python()
        let server = try await EmulatorServer.start(EmulatorConfig(
            buckets: ["fidelity"], accessKeys: [PythonSDKEnvironment.key, PythonSDKEnvironment.sts]))

        let result = await PythonSDKEnvironment.runScript("oss_sdk_fidelity.py", python: python,
                                                          emulatorURL: server.baseURL, bucket: "fidelity")
        try await server.shutdown()
        if case .failure(let error) = result { Issue.record("\(error)") }
    }
}
