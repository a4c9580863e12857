/// Task states. Only the first three are documented; others (`Waiting`, `Cancelled`, …) are
/// kept as `.other` and treated as not finished, so the poller times out rather than guesses.
public enum ECSTaskStatus: Sendable, Equatable, Hashable {
    case processing, finished, failed
    case other(String)

    public init(_ raw: String) {
        switch raw {
        case "Processing": self = .processing
        case "Finished": self = .finished
        case "Failed": self = .failed
        default: self = .other(raw)
        }
    }

    public var rawValue: String {
        switch self {
        case .processing: return "Processing"
        case .finished: return "Finished"
        case .failed: return "Failed"
        case .other(let raw): return raw
        }
    }

    public var isTerminal: Bool { self == .finished || self == .failed }
}

/// One task of a DescribeTasks answer (`TaskSet.Task[]`).
public struct ECSTask: ECSPageItem {
    public static var listKeys: (outer: String, inner: String) { ("TaskSet", "Task") }

    public var taskId: String
    public var taskAction: String?
    public var taskStatus: ECSTaskStatus
    /// `"true"` in tables, `true` in JSON samples; both read.
    public var supportCancel: Bool?
    /// Minute or second precision; `ECSTimestamp.parse` reads both.
    public var creationTime: String?
    public var finishedTime: String?
    /// The image id for an ImportImage task.
    public var resourceId: String?

    public init(taskId: String, taskAction: String? = "ImportImage", taskStatus: ECSTaskStatus, supportCancel: Bool? = nil,
                creationTime: String? = nil, finishedTime: String? = nil, resourceId: String? = nil) {
        self.taskId = taskId
        self.taskAction = taskAction
        self.taskStatus = taskStatus
        self.supportCancel = supportCancel
        self.creationTime = creationTime
        self.finishedTime = finishedTime
        self.resourceId = resourceId
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: ECSKey.self)
        taskId = c.string("TaskId") ?? ""
        taskAction = c.string("TaskAction")
        taskStatus = ECSTaskStatus(c.string("TaskStatus") ?? "")
        supportCancel = c.bool("SupportCancel")
        creationTime = c.string("CreationTime")
        finishedTime = c.string("FinishedTime")
        resourceId = c.string("ResourceId")
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: ECSKey.self)
        try c.put(taskId, "TaskId")
        try c.put(taskAction, "TaskAction")
        try c.put(taskStatus.rawValue, "TaskStatus")
        try c.put(supportCancel.map { $0 ? "true" : "false" }, "SupportCancel")
        try c.put(creationTime, "CreationTime")
        try c.put(finishedTime ?? "", "FinishedTime")
        try c.put(resourceId, "ResourceId")
    }
}

/// The answer to DescribeTasks (`TaskSet.Task[]` on the wire).
public typealias DescribeTasksResponse = ECSPage<ECSTask>

extension ECSPage where Item == ECSTask {
    public init(requestId: String, regionId: String?, totalCount: Int, pageNumber: Int = 1, pageSize: Int = 10, tasks: [ECSTask]) {
        self.init(requestId: requestId, regionId: regionId, totalCount: totalCount, pageNumber: pageNumber,
                  pageSize: pageSize, items: tasks)
    }

    public var tasks: [ECSTask] {
        get { items }
        set { items = newValue }
    }
}

/// One step of a task; on failure it carries the reason ECS gives.
public struct ECSOperationProgress: Codable, Sendable, Equatable {
    public struct RelatedItem: Codable, Sendable, Equatable {
        public var name: String
        public var value: String
        public init(name: String, value: String) { self.name = name; self.value = value }
        enum CodingKeys: String, CodingKey { case name = "Name", value = "Value" }
    }

    public var operationStatus: String
    public var errorCode: String?
    public var errorMsg: String?
    public var relatedItems: [RelatedItem]

    public init(operationStatus: String, errorCode: String? = nil, errorMsg: String? = nil, relatedItems: [RelatedItem] = []) {
        self.operationStatus = operationStatus
        self.errorCode = errorCode
        self.errorMsg = errorMsg
        self.relatedItems = relatedItems
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: ECSKey.self)
        operationStatus = c.string("OperationStatus") ?? ""
        errorCode = c.string("ErrorCode").flatMap { $0.isEmpty ? nil : $0 }
        errorMsg = c.string("ErrorMsg").flatMap { $0.isEmpty ? nil : $0 }
        relatedItems = try c.list("RelatedItemSet", "RelatedItem", as: RelatedItem.self)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: ECSKey.self)
        try c.put(operationStatus, "OperationStatus")
        try c.put(errorCode ?? "", "ErrorCode")
        try c.put(errorMsg ?? "", "ErrorMsg")
        try c.putList(relatedItems, "RelatedItemSet", "RelatedItem")
    }
}

/// The answer to DescribeTaskAttribute. Note the progress field is spelled `TaskProcess`.
public struct DescribeTaskAttributeResponse: Codable, Sendable, Equatable {
    public var requestId: String
    public var regionId: String?
    public var task: ECSTask
    /// As sent, e.g. `"35%"`; see `progressPercent`.
    public var taskProcess: String?
    public var totalCount: Int?
    public var successCount: Int?
    public var failedCount: Int?
    public var operationProgress: [ECSOperationProgress]

    public init(requestId: String, regionId: String?, task: ECSTask, taskProcess: String?,
                totalCount: Int? = 1, successCount: Int? = 0, failedCount: Int? = 0, operationProgress: [ECSOperationProgress] = []) {
        self.requestId = requestId
        self.regionId = regionId
        self.task = task
        self.taskProcess = taskProcess
        self.totalCount = totalCount
        self.successCount = successCount
        self.failedCount = failedCount
        self.operationProgress = operationProgress
    }

    public var progressPercent: Int? { ECSProgress.percent(taskProcess) }

    /// The first failed step's `ErrorCode: ErrorMsg`, the reason to show for a failed import.
    public var failureReason: String? {
        guard let failed = operationProgress.first(where: { $0.operationStatus == "Failed" || $0.errorCode != nil }) else { return nil }
        return [failed.errorCode, failed.errorMsg].compactMap { $0 }.joined(separator: ": ")
    }

    /// The OSS object an import task reads, from its first step's `OSSBucket` / `OSSObject`
    /// related items; nil when the answer does not say.
    public var importSource: ObjectLocation? {
        guard let items = operationProgress.first?.relatedItems,
              let bucket = items.first(where: { $0.name == "OSSBucket" })?.value, !bucket.isEmpty,
              let key = items.first(where: { $0.name == "OSSObject" })?.value, !key.isEmpty else { return nil }
        return ObjectLocation(bucket: bucket, key: key)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: ECSKey.self)
        requestId = c.string("RequestId") ?? ""
        regionId = c.string("RegionId")
        task = try ECSTask(from: decoder)
        taskProcess = c.string("TaskProcess")
        totalCount = c.int("TotalCount")
        successCount = c.int("SuccessCount")
        failedCount = c.int("FailedCount")
        operationProgress = try c.list("OperationProgressSet", "OperationProgress", as: ECSOperationProgress.self)
    }

    public func encode(to encoder: Encoder) throws {
        try task.encode(to: encoder)
        var c = encoder.container(keyedBy: ECSKey.self)
        try c.put(requestId, "RequestId")
        try c.put(regionId, "RegionId")
        try c.put(taskProcess, "TaskProcess")
        try c.put(totalCount, "TotalCount")
        try c.put(successCount, "SuccessCount")
        try c.put(failedCount, "FailedCount")
        try c.putList(operationProgress, "OperationProgressSet", "OperationProgress")
    }
}
