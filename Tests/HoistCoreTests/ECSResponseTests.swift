import Foundation
import Testing
@testable import HoistCore

/// Decoding the reference's response samples, the lenient cases, and the error model.
@Suite struct ECSResponseTests {
    static func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(json.utf8))
    }

    @Test func importImage() throws {
        let r = try Self.decode(ImportImageResponse.self, """
        {"RequestId":"C8B26B44-0189-443E-9816-D951F59623A9","RegionId":"cn-hangzhou",
         "ImageId":"m-bp1dqzq3gq3yyq9l4k2x","TaskId":"t-bp1f1ntkxmcnzk5ey7hu"}
        """)
        #expect(r == ImportImageResponse(requestId: "C8B26B44-0189-443E-9816-D951F59623A9", regionId: "cn-hangzhou",
                                         imageId: "m-bp1dqzq3gq3yyq9l4k2x", taskId: "t-bp1f1ntkxmcnzk5ey7hu"))
        let old = try Self.decode(ImportImageResponse.self, #"{"RequestId":"r","ImageId":"m-1","ImportTaskId":"t-9"}"#)
        #expect(old.taskId == "t-9")
        let round = try Self.decode(ImportImageResponse.self, String(decoding: try JSONEncoder().encode(r), as: UTF8.self))
        #expect(round == r)
    }

    @Test func describeImages() throws {
        let r = try Self.decode(DescribeImagesResponse.self, """
        {"RequestId":"51B4A9E8","RegionId":"cn-hangzhou","TotalCount":1,"PageNumber":1,"PageSize":10,
         "Images":{"Image":[{"ImageId":"m-bp1dqzq3gq3yyq9l4k2x","ImageName":"ubuntu-22.04-custom_v1",
           "Status":"Creating","Progress":"35%","Size":40,"Architecture":"x86_64","OSType":"linux","Platform":"Ubuntu",
           "BootMode":"UEFI","ImageOwnerAlias":"self","IsSupportCloudinit":true,"CreationTime":"2024-01-15T08:30:05Z",
           "DiskDeviceMappings":{"DiskDeviceMapping":[{"Device":"/dev/xvda","Size":"40","Type":"system","Format":"qcow2"}]},
           "Tags":{"Tag":[{"TagKey":"env","TagValue":"test"}]}}]}}
        """)
        #expect(r.totalCount == 1 && r.images.count == 1)
        let image = r.images[0]
        #expect(image.imageStatus == .creating && image.progressPercent == 35 && image.size == 40)
        #expect(image.tags == [.init(key: "env", value: "test")])
        #expect(image.imageStatus?.isTerminal == false)
        let empty = try Self.decode(DescribeImagesResponse.self, #"{"RequestId":"r","TotalCount":0,"Images":{"Image":[]}}"#)
        #expect(empty.images.isEmpty)
        let bare = try Self.decode(DescribeImagesResponse.self, #"{"RequestId":"r","Images":{}}"#)
        #expect(bare.images.isEmpty && bare.totalCount == 0)
        let round = try Self.decode(DescribeImagesResponse.self, String(decoding: try JSONEncoder().encode(r), as: UTF8.self))
        #expect(round == r)
        #expect(ECSImageStatus.importFilter.map(\.rawValue).joined(separator: ",") == "Creating,Waiting,Available,UnAvailable,CreateFailed")
        #expect(ECSImageStatus.createFailed.isFailure && ECSImageStatus.unAvailable.isFailure && !ECSImageStatus.available.isFailure)
    }

    @Test func progressStrings() {
        #expect(ECSProgress.percent("100%") == 100)
        #expect(ECSProgress.percent("") == nil)
        #expect(ECSProgress.percent(nil) == nil)
        #expect(ECSProgress.percent(" 7 % ") == 7)
        #expect(ECSProgress.percent("12.9%") == 12)
        #expect(ECSProgress.percent("n/a") == nil)
    }

    @Test func describeTasks() throws {
        let r = try Self.decode(DescribeTasksResponse.self, """
        {"RequestId":"9E7A","RegionId":"cn-hangzhou","TotalCount":1,"PageNumber":1,"PageSize":10,
         "TaskSet":{"Task":[{"TaskId":"t-bp1f1ntkxmcnzk5ey7hu","TaskAction":"ImportImage","TaskStatus":"Processing",
           "SupportCancel":"true","CreationTime":"2024-01-15T08:30Z","FinishedTime":"","ResourceId":"m-bp1dqzq3gq3yyq9l4k2x"}]}}
        """)
        let task = r.tasks[0]
        #expect(task.taskStatus == .processing && task.supportCancel == true && task.resourceId == "m-bp1dqzq3gq3yyq9l4k2x")
        #expect(ECSTimestamp.parse(task.creationTime!) == ECSTimestamp.parse("2024-01-15T08:30:00Z"))
        let boolCancel = try Self.decode(ECSTask.self, #"{"TaskId":"t","TaskStatus":"Cancelled","SupportCancel":false}"#)
        #expect(boolCancel.supportCancel == false && boolCancel.taskStatus == .other("Cancelled") && !boolCancel.taskStatus.isTerminal)
        let round = try Self.decode(DescribeTasksResponse.self, String(decoding: try JSONEncoder().encode(r), as: UTF8.self))
        #expect(round == r)
    }

    @Test func describeTaskAttribute() throws {
        let r = try Self.decode(DescribeTaskAttributeResponse.self, """
        {"RequestId":"4BE2C7FE","RegionId":"cn-hangzhou","TaskId":"t-bp1f1ntkxmcnzk5ey7hu","TaskAction":"ImportImage",
         "TaskStatus":"Failed","TaskProcess":"35%","SupportCancel":"true","CreationTime":"2024-01-15T08:30Z","FinishedTime":"",
         "TotalCount":1,"SuccessCount":0,"FailedCount":1,
         "OperationProgressSet":{"OperationProgress":[{"OperationStatus":"Failed","ErrorCode":"ImageCheckFailed",
           "ErrorMsg":"The image has no boot partition.",
           "RelatedItemSet":{"RelatedItem":[{"Name":"OSSBucket","Value":"examplebucket"},{"Name":"ImageFormat","Value":"qcow2"}]}}]}}
        """)
        #expect(r.task.taskId == "t-bp1f1ntkxmcnzk5ey7hu" && r.task.taskStatus == .failed && r.task.taskStatus.isTerminal)
        #expect(r.progressPercent == 35 && r.failedCount == 1)
        #expect(r.operationProgress[0].relatedItems.count == 2)
        #expect(r.failureReason == "ImageCheckFailed: The image has no boot partition.")
        let round = try Self.decode(DescribeTaskAttributeResponse.self, String(decoding: try JSONEncoder().encode(r), as: UTF8.self))
        #expect(round == r)
        let cancel = try Self.decode(CancelTaskResponse.self, #"{"RequestId":"abc"}"#)
        #expect(cancel.requestId == "abc")
    }

    @Test func errorBodies() throws {
        let body = """
        {"RequestId":"7B9C8D1E","HostId":"ecs.cn-hangzhou.aliyuncs.com","Code":"NoSetRoletoECSServiceAcount",
         "Message":"ECS service account Have no right to access your OSS.please attach a role of access your oss to ECS service account.",
         "Recommend":"https://api.aliyun.com/troubleshoot?q=NoSetRoletoECSServiceAcount&product=Ecs"}
        """
        let error = ECSError(response: HTTPResponse(status: 403, headers: [], body: Array(body.utf8)))
        #expect(error.code == "NoSetRoletoECSServiceAcount" && error.httpStatus == 403 && error.requestId == "7B9C8D1E")
        #expect(error.isMissingImportRole && !error.isRetryable)
        #expect(error.actionableMessage.contains("AliyunECSImageImportDefaultRole"))
        #expect(error.actionableMessage.contains("AliyunECSImageImportRolePolicy"))
        #expect(ECSError(code: "NoSetRoletoECSServiceAccount", message: "", httpStatus: 403).isMissingImportRole)
        #expect(ECSError(code: "nosetroletoecsserviceacount", message: "", httpStatus: 403).isMissingImportRole)
        #expect(!ECSError(code: "Forbidden.RAM", message: "", httpStatus: 403).isMissingImportRole)
        let again = ECSError(response: HTTPResponse(status: 403, headers: [], body: ECSError.importRoleMissing.jsonBody()))
        #expect(again.code == ECSError.importRoleMissing.code && again.recommend == ECSError.importRoleMissing.recommend)
        let html = ECSError(response: HTTPResponse(status: 502, headers: [("x-acs-request-id", "gw-1")], body: Array("<html>bad gateway</html>".utf8)))
        #expect(html.code == "UnknownError" && html.httpStatus == 502 && html.isRetryable && html.requestId == "gw-1")
    }

    @Test(arguments: [
        ("Throttling", 400, true), ("Throttling.User", 400, true), ("ServiceUnavailable", 503, true),
        ("InternalError", 500, true), ("UnknownError", 400, true), ("SomethingNew", 504, true),
        ("InvalidImageName.Malformed", 400, false), ("SignatureDoesNotMatch", 400, false), ("DryRunOperation", 400, false),
        ("InvalidAccessKeyId.NotFound", 404, false),
    ])
    func retryable(code: String, status: Int, expected: Bool) {
        #expect(ECSError(code: code, message: "", httpStatus: status).isRetryable == expected)
    }
}
