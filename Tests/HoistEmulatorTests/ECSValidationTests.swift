import Foundation
import HoistCore
import Testing
@testable import HoistEmulator

/// ImportImage refusals, each with the code and HTTP status ECS uses, and the idempotency rules.
@Suite("ECS ImportImage checks", .timeLimit(.minutes(2)))
struct ECSValidationTests {
    typealias Params = [(name: String, value: String)]

    static func disk(_ object: String = "disks/a.raw", extra: Params = []) -> Params {
        [("RegionId", ECSHarness.region), ("DiskDeviceMapping.1.OSSBucket", ECSHarness.bucket),
         ("DiskDeviceMapping.1.OSSObject", object)] + extra
    }

    @Test func parameterErrorsUseTheRealCodes() async throws {
        try await ECSHarness.with { ecs in
            try await ecs.put("disks/a.raw", DiskBytes.raw())
            let cases: [(Params, String, Int)] = [
                ([("ImageName", "x")] + Self.disk().dropFirst(), "MissingParameter", 400),
                ([("RegionId", ECSHarness.region)], "MissingParameter.DiskDeviceMapping", 403),
                ([("RegionId", ECSHarness.region), ("DiskDeviceMapping.1.OSSObject", "a")], "MissingParameter", 400),
                (Self.disk(extra: [("ImageName", "1-starts-with-digit")]), "InvalidImageName.Malformed", 400),
                (Self.disk(extra: [("ImageName", "aliyun-reserved")]), "InvalidImageName.Malformed", 400),
                (Self.disk(extra: [("Description", "http://example.com")]), "InvalidDescription.Malformed", 400),
                (Self.disk(extra: [("Architecture", "sparc")]), "InvalidArchitecture.Malformed", 400),
                (Self.disk(extra: [("Platform", "Windows Server 2019")]), "InvalidPlatform.Malformed", 400),
                (Self.disk(extra: [("DiskDeviceMapping.1.Format", "ISO")]), "InvalidImageFormat.Malformed", 400),
                (Self.disk(extra: [("DiskDeviceMapping.1.DiskImageSize", "4096")]), "InvalidImageSize", 400),
                (Self.disk(extra: [("DiskDeviceMapping.1.Device", "sda")]), "InvalidParameter.Malformed", 403),
                (Self.disk(extra: [("LicenseType", "Free")]), "InvalidLicenseType.NotSupported", 400),
                (Self.disk(extra: [("Tag.1.Key", "acs:x")]), "InvalidTagKey.Malformed", 400),
                (Self.disk(extra: [("Tag.21.Key", "k")]), "NumberExceed.Tags", 400),
            ]
            for (params, code, status) in cases {
                let r = try await ecs.raw("ImportImage", params)
                let error = ECSError(response: r)
                #expect(r.status == status && error.code == code, "\(params): \(r.status) \(error)")
                #expect(error.hostId == "ecs.cn-hangzhou.aliyuncs.com" && !error.requestId.isEmpty)
                #expect(error.recommend?.contains(code) == true)
                #expect(r.header("x-acs-request-id") == error.requestId)
            }
            #expect(ecs.server.ecs.counters().importsRejected == cases.count)
            #expect(ecs.server.ecs.counters().imagesCreated == 0)
        }
    }

    @Test func legacyDiskSizeRangeIsASetting() async throws {
        try await ECSHarness.with(ECSEmulatorSettings(importSeconds: 0, diskSizeRange: .legacy)) { ecs in
            try await ecs.put("disks/a.raw", DiskBytes.raw())
            let error = await ecsError { _ = try await ecs.client().importImage(ECSHarness.importRequest("disks/a.raw", size: 2)) }
            #expect(error?.code == "InvalidImageSize")
        }
    }

    @Test func missingObjectOrBucket() async throws {
        try await ECSHarness.with { ecs in
            let client = ecs.client()
            let noObject = await ecsError { _ = try await client.importImage(ECSHarness.importRequest("disks/none.raw")) }
            #expect(noObject?.code == "InvalidOSSObject.NotFound" && noObject?.httpStatus == 400)
            var request = ECSHarness.importRequest("disks/none.raw")
            request.diskDeviceMappings[0].ossBucket = "no-such-bucket"
            let noBucket = await ecsError { _ = try await client.importImage(request) }
            #expect(noBucket?.code == "InvalidOSSBucket.NotFound" && noBucket?.httpStatus == 400)
            try await ecs.put("disks/a.raw", DiskBytes.raw())
            var elsewhere = ECSHarness.importRequest("disks/a.raw")
            elsewhere.regionId = "cn-beijing"
            let otherRegion = await ecsError { _ = try await client.importImage(elsewhere) }
            #expect(otherRegion?.code == "InvalidOSSBucket.NotFound")
        }
    }

    @Test func formatMustMatchTheBytes() async throws {
        try await ECSHarness.with { ecs in
            try await ecs.put("disks/q.qcow2", DiskBytes.qcow2(virtualSize: 3 << 30))
            try await ecs.put("disks/a.raw", DiskBytes.raw())
            let client = ecs.client()
            let declaredRaw = await ecsError { _ = try await client.importImage(ECSHarness.importRequest("disks/q.qcow2", format: "RAW", size: 10)) }
            #expect(declaredRaw?.code == "InvalidImageFormat.Malformed" && declaredRaw?.message.contains("QCOW2") == true)
            let declaredQcow = await ecsError { _ = try await client.importImage(ECSHarness.importRequest("disks/a.raw", format: "QCOW2")) }
            #expect(declaredQcow?.code == "InvalidImageFormat.Malformed")
            // 3 GiB of virtual size does not fit a 2 GiB system disk.
            let tooSmall = await ecsError { _ = try await client.importImage(ECSHarness.importRequest("disks/q.qcow2", format: "QCOW2", size: 2)) }
            #expect(tooSmall?.code == "InvalidImageSize")
            _ = try await client.importImage(ECSHarness.importRequest("disks/q.qcow2", format: "qcow2", size: 3))
        }
    }

    @Test func clientTokenReplaysAndMismatches() async throws {
        try await ECSHarness.with { ecs in
            try await ecs.put("disks/a.raw", DiskBytes.raw())
            let client = ecs.client()
            let request = ECSHarness.importRequest("disks/a.raw", name: "replayed", token: "0c593ea1-3bea-11e9-b96b-88e9fe637760")
            let first = try await client.importImage(request)
            let second = try await client.importImage(request)
            // A v1 retry of the same call is the same call.
            let third = try await ecs.client(.v1, httpMethod: "GET").importImage(request)
            #expect(second.imageId == first.imageId && second.taskId == first.taskId && third.imageId == first.imageId)
            #expect(second.requestId != first.requestId)

            var changed = request
            changed.description = "something else"
            let mismatch = await ecsError { _ = try await client.importImage(changed) }
            #expect(mismatch?.code == "IdempotentParameterMismatch" && mismatch?.httpStatus == 400)

            let counters = ecs.server.ecs.counters()
            #expect(counters.imagesCreated == 1 && counters.idempotentReplays == 2 && counters.importImageCalls == 4)
            #expect(try await ecs.images([]).count == 1)
        }
    }

    @Test func imageNamesAreUnique() async throws {
        try await ECSHarness.with { ecs in
            _ = try await ecs.importRaw(name: "only-once")
            let error = await ecsError { _ = try await ecs.importRaw(name: "only-once") }
            #expect(error?.code == "InvalidImageName.Duplicated" && error?.httpStatus == 400)
            let first = try #require(ecs.server.ecs.images().first)
            #expect(ecs.server.ecs.deleteImage(first.imageId))
            _ = try await ecs.importRaw(name: "only-once")
        }
    }

    @Test func missingRAMRoleSwitch() async throws {
        try await ECSHarness.with(ECSEmulatorSettings(importRoleMissing: true)) { ecs in
            try await ecs.put("disks/a.raw", DiskBytes.raw())
            let request = ECSHarness.importRequest("disks/a.raw")
            let r = try await ecs.raw("ImportImage", request.parameters, method: .v1)
            let error = ECSError(response: r)
            #expect(r.status == 403 && error.code == "NoSetRoletoECSServiceAcount" && error.isMissingImportRole)
            #expect(error.message == ECSError.importRoleMissing.message)
            #expect(error.recommend == ECSError.importRoleMissing.recommend)

            let grant = try await Curl.run(["-X", "POST", ecs.server.baseURL + "/_hoist/admin/ecs/import-role/grant"])
            #expect(grant.status == 200 && grant.text.contains(#""importRoleMissing":false"#))
            _ = try await ecs.client().importImage(request)

            let revoke = try await Curl.run(["-X", "POST", "-d", #"{"importRoleMissing":true}"#,
                                             ecs.server.baseURL + "/_hoist/admin/ecs/settings"])
            #expect(revoke.status == 200 && ecs.server.ecs.settings.importRoleMissing)
            let again = await ecsError { _ = try await ecs.client().importImage(request) }
            #expect(again?.code == "NoSetRoletoECSServiceAcount")
        }
    }

    @Test func dryRunChecksEverythingAndCreatesNothing() async throws {
        try await ECSHarness.with { ecs in
            try await ecs.put("disks/a.raw", DiskBytes.raw())
            var request = ECSHarness.importRequest("disks/a.raw")
            request.dryRun = true
            let passed = await ecsError { _ = try await ecs.client().importImage(request) }
            #expect(passed?.code == "DryRunOperation" && passed?.httpStatus == 400)
            request.diskDeviceMappings[0].ossObject = "disks/none.raw"
            let failed = await ecsError { _ = try await ecs.client().importImage(request) }
            #expect(failed?.code == "InvalidOSSObject.NotFound")
            #expect(ecs.server.ecs.counters().imagesCreated == 0 && ecs.server.ecs.counters().dryRuns == 1)
        }
    }
}
