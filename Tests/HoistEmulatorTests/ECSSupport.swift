import Foundation
import HoistCore
import Testing
@testable import HoistEmulator

/// An emulator with signature checks on, a bucket, and HoistCore's own OSS and ECS clients
/// pointed at it over real HTTP, for the ECS tests.
struct ECSHarness {
    static let key = Credentials(accessKeyId: "LTAI5tExampleAccessKeyId", accessKeySecret: "ExampleAccessKeySecret0123456789ab")
    static let sts = Credentials(accessKeyId: "STS.NUexampleTemporaryKeyId", accessKeySecret: "ExampleTemporarySecret0123456789cd",
                                 securityToken: "CAISexampleSecurityToken/with+special=chars")
    static let bucket = "images"
    static let region = "cn-hangzhou"

    let server: EmulatorServer
    let transport: Transport

    static func with(_ settings: ECSEmulatorSettings = ECSEmulatorSettings(importSeconds: 4), authentication: Bool = true,
                     _ body: (ECSHarness) async throws -> Void) async throws {
        let config = EmulatorConfig(buckets: [bucket], accessKeys: [
            OSSAccessKey(id: key.accessKeyId, secret: key.accessKeySecret),
            OSSAccessKey(id: sts.accessKeyId, secret: sts.accessKeySecret, securityToken: sts.securityToken),
        ], authentication: authentication, eventLoopThreads: 1, ecs: settings)
        let server = try await EmulatorServer.start(config)
        let harness = ECSHarness(server: server, transport: try Transport())
        do { try await body(harness) } catch { harness.transport.shutdown(); try await server.shutdown(); throw error }
        harness.transport.shutdown()
        try await server.shutdown()
    }

    var endpoint: ECSEndpoint { ECSEndpoint(url: server.baseURL)! }

    /// An ECS client that sends whatever it is given (no client-side validation), so the
    /// emulator's own checks are what the test sees.
    func client(_ method: ECSSignatureMethod = .acs3, httpMethod: String = "POST", credentials: Credentials = key) -> ECSClient {
        ECSClient(configuration: .init(regionId: Self.region, endpoint: endpoint, signatureMethod: method, httpMethod: httpMethod,
                                       validator: nil),
                  credentials: credentials, transport: transport)
    }

    /// One signed call, answered as raw HTTP (status, headers and the JSON text).
    func raw(_ action: String, _ parameters: [(name: String, value: String)], method: ECSSignatureMethod = .acs3,
             httpMethod: String = "POST", credentials: Credentials = key) async throws -> HTTPResponse {
        let request = client(method, httpMethod: httpMethod, credentials: credentials)
            .makeRequest(action: action, parameters: parameters, credentials: credentials)
        return try await transport.send(request)
    }

    /// Stores an object through the emulator's OSS side, signed like any client would.
    func put(_ key: String, _ bytes: [UInt8]) async throws {
        let oss = try OSSClient(endpoint: OSSEndpoint(scheme: "http", host: "127.0.0.1", port: server.port, addressing: .pathStyle),
                                credentials: Self.key, transport: transport, region: Self.region)
        _ = try await oss.putObject(bucket: Self.bucket, key: key, body: .bytes(bytes))
    }

    /// A minimal import of `object` as the system disk.
    static func importRequest(_ object: String, name: String? = nil, format: String? = "RAW", size: Int? = 1,
                              token: String? = nil) -> ImportImageRequest {
        ImportImageRequest(regionId: region, imageName: name,
                           diskDeviceMappings: [.init(ossBucket: bucket, ossObject: object, format: format, diskImageSize: size)],
                           clientToken: token)
    }

    /// Uploads a small raw disk and imports it.
    func importRaw(name: String? = nil, token: String? = nil) async throws -> ImportImageResponse {
        let object = "disks/\(UUID().uuidString).raw"
        try await put(object, DiskBytes.raw())
        return try await client().importImage(Self.importRequest(object, name: name, token: token))
    }

    func images(_ ids: [String], statuses: [ECSImageStatus] = ECSImageStatus.importFilter) async throws -> [ECSImage] {
        try await client().describeImages(DescribeImagesQuery(imageIds: ids, statuses: statuses)).images
    }

    /// Polls until the image leaves `Waiting`/`Creating`; returns every observation in order.
    func follow(_ imageId: String, interval: Double = 0.1, timeout: Double = 20) async throws -> [ECSImage] {
        var seen: [ECSImage] = []
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let image = try #require(try await images([imageId]).first)
            seen.append(image)
            if image.imageStatus?.isTerminal == true { return seen }
            try await Task.sleep(nanoseconds: UInt64(interval * 1e9))
        }
        throw TestFailure("image \(imageId) still importing after \(timeout) s: \(seen.last?.status ?? "-")")
    }
}

/// Runs `body` and returns the `ECSError` it throws, failing the test if it throws nothing else.
func ecsError(_ body: () async throws -> Void) async -> ECSError? {
    do {
        try await body()
        Issue.record("expected an ECS error, got success")
    } catch let error as ECSError {
        return error
    } catch {
        Issue.record("expected an ECS error, got \(error)")
    }
    return nil
}

/// Disk image bytes with the headers the emulator probes.
enum DiskBytes {
    /// 1 MiB with an MBR boot signature: a raw disk.
    static func raw(size: Int = 1 << 20) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: size)
        bytes[510] = 0x55
        bytes[511] = 0xAA
        return bytes
    }

    /// A qcow2 v3 header claiming `virtualSize` bytes, padded to 64 KiB.
    static func qcow2(virtualSize: UInt64) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 64 * 1024)
        bytes.replaceSubrange(0..<4, with: [0x51, 0x46, 0x49, 0xFB])
        bytes[7] = 3
        for i in 0..<8 { bytes[24 + i] = UInt8(truncatingIfNeeded: virtualSize >> (56 - 8 * UInt64(i))) }
        bytes[23] = 16  // 64 KiB clusters
        bytes[103] = 104  // header length
        return bytes
    }
}
