/// The answer to ImportImage. The import itself runs asynchronously under `taskId`.
public struct ImportImageResponse: Codable, Sendable, Equatable {
    public var requestId: String
    public var regionId: String?
    /// `m-…`
    public var imageId: String
    /// `t-…`. An old documentation sample calls it `ImportTaskId`; both are read.
    public var taskId: String

    public init(requestId: String, regionId: String?, imageId: String, taskId: String) {
        self.requestId = requestId
        self.regionId = regionId
        self.imageId = imageId
        self.taskId = taskId
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: ECSKey.self)
        requestId = c.string("RequestId") ?? ""
        regionId = c.string("RegionId")
        imageId = c.string("ImageId") ?? ""
        taskId = c.string("TaskId") ?? c.string("ImportTaskId") ?? ""
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: ECSKey.self)
        try c.put(requestId, "RequestId")
        try c.put(regionId, "RegionId")
        try c.put(imageId, "ImageId")
        try c.put(taskId, "TaskId")
    }
}

/// The answer to CancelTask: only a request id.
public struct CancelTaskResponse: Codable, Sendable, Equatable {
    public var requestId: String

    public init(requestId: String) { self.requestId = requestId }

    enum CodingKeys: String, CodingKey { case requestId = "RequestId" }
}
