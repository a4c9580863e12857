@testable import HoistCore
import Testing

/// Endpoints chosen by name, derived from the region as the official SDKs do
/// (alibabacloud-oss-go-sdk-v2 `endpointFromRegion`).
@Suite struct OSSEndpointNamingTests {
    func resolve(_ flags: HoistConfig, file: HoistConfig = HoistConfig(), env: [String: String] = [:]) throws -> HoistSettings {
        try HoistSettings.resolve(flags: flags, environment: env, file: file)
    }

    @Test func internalIsTheRegionsVPCHost() throws {
        var flags = HoistConfig(region: "cn-hangzhou")
        flags.internalEndpoint = true
        let settings = try resolve(flags)
        #expect(settings.endpoint.url(bucket: "images", key: "a") == "https://images.oss-cn-hangzhou-internal.aliyuncs.com/a")
        #expect(settings.region == "cn-hangzhou")
    }

    @Test func accelerationIsOneGlobalHostSignedForTheBucketsRegion() throws {
        var file = HoistConfig(region: "ap-southeast-1")
        file.transferAcceleration = true
        let settings = try resolve(HoistConfig(), file: file)
        #expect(settings.endpoint.url(bucket: "images", key: "a") == "https://images.oss-accelerate.aliyuncs.com/a")
        #expect(settings.endpoint.addressing == .virtualHosted)
        #expect(settings.region == "ap-southeast-1")
    }

    @Test func withoutEitherThePublicHost() throws {
        let settings = try resolve(HoistConfig(region: "cn-beijing"))
        #expect(settings.endpoint.url(bucket: "b", key: "k") == "https://b.oss-cn-beijing.aliyuncs.com/k")
    }

    @Test func theSDKsDerivation() {
        #expect(OSSEndpoint.named(region: "cn-hangzhou", internal: false, accelerate: false).host == "oss-cn-hangzhou.aliyuncs.com")
        #expect(OSSEndpoint.named(region: "cn-hangzhou", internal: true, accelerate: false).host == "oss-cn-hangzhou-internal.aliyuncs.com")
        #expect(OSSEndpoint.named(region: "cn-hangzhou", internal: false, accelerate: true).host == "oss-accelerate.aliyuncs.com")
        // The SDK puts internal first.
        #expect(OSSEndpoint.named(region: "cn-hangzhou", internal: true, accelerate: true).host == "oss-cn-hangzhou-internal.aliyuncs.com")
    }

    @Test func anExplicitAccelerationHostNamesNoRegion() throws {
        #expect(OSSEndpoint("https://oss-accelerate.aliyuncs.com")?.region == nil)
        #expect(OSSEndpoint("https://oss-accelerate-overseas.aliyuncs.com")?.region == nil)
        let settings = try resolve(HoistConfig(endpoint: "https://oss-accelerate.aliyuncs.com", region: "cn-shanghai"))
        #expect(settings.region == "cn-shanghai")
        #expect(throws: ConfigError.self) { try resolve(HoistConfig(endpoint: "https://oss-accelerate.aliyuncs.com")) }
    }

    @Test func contradictionsAreRefusedNotResolvedSilently() throws {
        var both = HoistConfig(region: "cn-hangzhou")
        both.internalEndpoint = true
        both.transferAcceleration = true
        #expect(throws: ConfigError.self) { try resolve(both) }

        var named = HoistConfig(region: "cn-hangzhou")
        named.internalEndpoint = true
        let file = HoistConfig(endpoint: "https://oss-cn-hangzhou.aliyuncs.com")
        do {
            _ = try resolve(named, file: file)
            Issue.record("an explicit endpoint and --internal were both accepted")
        } catch {
            #expect("\(error)".contains("remove one"), "\(error)")
        }
        var accelerated = HoistConfig()
        accelerated.transferAcceleration = true
        #expect(throws: ConfigError.self) { try resolve(accelerated) }  // no region to sign for
    }
}
