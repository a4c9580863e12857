import Foundation

/// ECS answers signed calls (DescribeImages of one own image), and ImportImage would be
/// allowed: a `DryRun=true` call runs ECS's checks (permission, parameters, the RAM role
/// `AliyunECSImageImportDefaultRole`) without importing anything.
///
/// The dry run names an object that need not exist (`PREFIX/.hoist-doctor-probe.raw`): ECS
/// checks the role before it looks for the object (ecs-import-image.md §6), so
/// `InvalidOSSObject.NotFound` means everything before the object passed.
enum DoctorECSChecks {
    static let importFix = "the account owner creates the RAM role \(ECSError.importRoleName) for ECS: in the ECS console's "
        + "Import Image page (one-click authorisation), or in the RAM console (https://ram.console.aliyun.com/roles), or with "
        + "the aliyun CLI: aliyun ram CreateRole --RoleName \(ECSError.importRoleName) --AssumeRolePolicyDocument "
        + "'{\"Statement\":[{\"Action\":\"sts:AssumeRole\",\"Effect\":\"Allow\",\"Principal\":{\"Service\":[\"ecs.aliyuncs.com\"]}}],\"Version\":\"1\"}' "
        + "&& aliyun ram AttachPolicyToRole --PolicyType System --PolicyName AliyunECSImageImportRolePolicy "
        + "--RoleName \(ECSError.importRoleName)"

    static func run(_ context: DoctorContext) async -> [DoctorResult] {
        guard context.oss != nil, context.settings != nil else {
            return [.skip("ecs.api", "ECS API", "needs settings that resolve"),
                    .skip("ecs.import", "ImportImage", "needs settings that resolve")]
        }
        let client: ECSClient
        do {
            guard let made = try context.ecsClient() else {
                return [.skip("ecs.api", "ECS API", "needs credentials"), .skip("ecs.import", "ImportImage", "needs credentials")]
            }
            client = made
        } catch {
            return [.fail("ecs.api", "ECS API", String(describing: error),
                          fix: "correct --ecs-endpoint, HOIST_ECS_ENDPOINT or [ecs] endpoint"),
                    .skip("ecs.import", "ImportImage", "needs a usable ECS endpoint")]
        }
        let endpoint = client.configuration.endpoint
        let check = DoctorCheck(id: "ecs.api", title: "ECS API", timeout: context.timeout,
                                timeoutFix: "check the network path to \(endpoint.authority)")
        let api = await check.run { await describe(client) }
        guard api.status == .pass else { return [api, .skip("ecs.import", "ImportImage", "needs ECS to answer signed calls")] }
        guard let oss = context.oss, let bucket = oss.bucket else {
            return [api, .skip("ecs.import", "ImportImage", "no bucket configured to import from (--bucket, HOIST_BUCKET or "
                               + "[oss] bucket)")]
        }
        guard !context.bucketFailed else {
            return [api, .skip("ecs.import", "ImportImage", "needs a bucket that takes uploads")]
        }
        let dryRun = DoctorCheck(id: "ecs.import", title: "ImportImage", timeout: context.timeout,
                                 timeoutFix: "check the network path to \(endpoint.authority)")
        return [api, await dryRun.run { await importDryRun(client, bucket: bucket, prefix: oss.prefix) }]
    }

    static func describe(_ client: ECSClient) async -> DoctorResult {
        let endpoint = client.configuration.endpoint
        do {
            _ = try await client.describeImages(DescribeImagesQuery(statuses: [], imageOwnerAlias: "self", pageSize: 1))
            return .pass("ecs.api", "ECS API", "\(endpoint.authority) answers signed calls (DescribeImages in "
                         + "\(client.configuration.regionId))")
        } catch let error as ECSError {
            return .fail("ecs.api", "ECS API", "DescribeImages refused: \(error.code) (HTTP \(error.httpStatus))",
                         fix: error.operatorMessage)
        } catch let error as TransportError {
            let (detail, fix) = DoctorTransportFailure.explain(error, service: "ECS", authority: endpoint.authority)
            return .fail("ecs.api", "ECS API", detail, fix: fix)
        } catch {
            return .fail("ecs.api", "ECS API", String(describing: error), fix: "check the ECS endpoint")
        }
    }

    static func importDryRun(_ client: ECSClient, bucket: String, prefix: String) async -> DoctorResult {
        var base = prefix
        if !base.isEmpty, !base.hasSuffix("/") { base += "/" }
        let request = ImportImageRequest(
            regionId: client.configuration.regionId, imageName: "hoist-doctor-probe",
            diskDeviceMappings: [.init(ossBucket: bucket, ossObject: base + ".hoist-doctor-probe.raw")], dryRun: true)
        do {
            _ = try await client.call("ImportImage", request.parameters, as: ImportImageResponse.self)
            return .fail("ecs.import", "ImportImage", "the DryRun call was answered as a real import",
                         fix: "check that the ECS endpoint is Alibaba Cloud ECS")
        } catch let error as ECSError {
            switch error.code {
            case "DryRunOperation":
                return .pass("ecs.import", "ImportImage", "allowed (DryRun passed; the RAM role \(ECSError.importRoleName) "
                             + "is in place)")
            case "InvalidOSSObject.NotFound":
                return .pass("ecs.import", "ImportImage", "allowed (DryRun passed the permission and RAM role checks and "
                             + "stopped at the probe object, which need not exist)")
            case _ where error.isMissingImportRole:
                return .fail("ecs.import", "ImportImage", "DryRun refused: \(error.code): ECS may not read OSS for this account",
                             fix: importFix)
            default:
                return .fail("ecs.import", "ImportImage", "DryRun refused: \(error.code) (HTTP \(error.httpStatus))",
                             fix: error.operatorMessage)
            }
        } catch let error as TransportError {
            let endpoint = client.configuration.endpoint
            let (detail, fix) = DoctorTransportFailure.explain(error, service: "ECS", authority: endpoint.authority)
            return .fail("ecs.import", "ImportImage", detail, fix: fix)
        } catch {
            return .fail("ecs.import", "ImportImage", String(describing: error), fix: "check the ECS endpoint")
        }
    }
}
