/// DescribeImages parameters. The defaults are the ones an import needs: the explicit status
/// list (the API's own default, `Available`, hides an image still being imported).
public struct DescribeImagesQuery: Sendable, Equatable {
    /// Nil means the client's region.
    public var regionId: String?
    public var imageIds: [String]
    public var imageName: String?
    public var statuses: [ECSImageStatus]
    /// `self` restricts to the account's custom images.
    public var imageOwnerAlias: String?
    public var pageNumber: Int?
    public var pageSize: Int?

    public init(regionId: String? = nil, imageIds: [String] = [], imageName: String? = nil,
                statuses: [ECSImageStatus] = ECSImageStatus.importFilter, imageOwnerAlias: String? = nil,
                pageNumber: Int? = nil, pageSize: Int? = nil) {
        self.regionId = regionId
        self.imageIds = imageIds
        self.imageName = imageName
        self.statuses = statuses
        self.imageOwnerAlias = imageOwnerAlias
        self.pageNumber = pageNumber
        self.pageSize = pageSize
    }

    public func parameters(defaultRegion: String) -> [(name: String, value: String)] {
        var p: [(name: String, value: String)] = [("RegionId", regionId ?? defaultRegion)]
        if !imageIds.isEmpty { p.append(("ImageId", imageIds.joined(separator: ","))) }
        if let imageName { p.append(("ImageName", imageName)) }
        if !statuses.isEmpty { p.append(("Status", statuses.map(\.rawValue).joined(separator: ","))) }
        if let imageOwnerAlias { p.append(("ImageOwnerAlias", imageOwnerAlias)) }
        if let pageNumber { p.append(("PageNumber", String(pageNumber))) }
        if let pageSize { p.append(("PageSize", String(pageSize))) }
        return p
    }
}

/// DescribeTasks parameters; by default the ImportImage tasks with the given ids.
public struct DescribeTasksQuery: Sendable, Equatable {
    public var regionId: String?
    /// At most 100.
    public var taskIds: [String]
    public var taskAction: String?
    /// `Processing`, `Finished` or `Failed`.
    public var taskStatus: String?
    public var pageNumber: Int?
    public var pageSize: Int?

    public init(regionId: String? = nil, taskIds: [String] = [], taskAction: String? = "ImportImage",
                taskStatus: String? = nil, pageNumber: Int? = nil, pageSize: Int? = nil) {
        self.regionId = regionId
        self.taskIds = taskIds
        self.taskAction = taskAction
        self.taskStatus = taskStatus
        self.pageNumber = pageNumber
        self.pageSize = pageSize
    }

    public func parameters(defaultRegion: String) -> [(name: String, value: String)] {
        var p: [(name: String, value: String)] = [("RegionId", regionId ?? defaultRegion)]
        if !taskIds.isEmpty { p.append(("TaskIds", taskIds.joined(separator: ","))) }
        if let taskAction { p.append(("TaskAction", taskAction)) }
        if let taskStatus { p.append(("TaskStatus", taskStatus)) }
        if let pageNumber { p.append(("PageNumber", String(pageNumber))) }
        if let pageSize { p.append(("PageSize", String(pageSize))) }
        return p
    }
}
