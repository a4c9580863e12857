/// Image states reported by DescribeImages.
public enum ECSImageStatus: String, Sendable, CaseIterable, Codable {
    case creating = "Creating", waiting = "Waiting", available = "Available"
    case unAvailable = "UnAvailable", createFailed = "CreateFailed", deprecated = "Deprecated"

    /// The explicit `Status` filter for following an import. DescribeImages defaults to
    /// `Available` only, which hides an image that is still being imported.
    public static let importFilter: [ECSImageStatus] = [.creating, .waiting, .available, .unAvailable, .createFailed]

    public var isTerminal: Bool { self != .creating && self != .waiting }
    public var isFailure: Bool { self == .unAvailable || self == .createFailed }
}

/// One image of a DescribeImages answer, with the fields the import flow uses.
public struct ECSImage: ECSPageItem {
    public static var listKeys: (outer: String, inner: String) { ("Images", "Image") }

    public var imageId: String
    public var imageName: String?
    public var description: String?
    /// Raw value; `imageStatus` maps it.
    public var status: String
    /// As sent, e.g. `"35%"`; see `progressPercent`.
    public var progress: String?
    /// GiB.
    public var size: Int?
    public var architecture: String?
    public var osType: String?
    public var platform: String?
    public var bootMode: String?
    public var creationTime: String?
    public var tags: [ImportImageRequest.Tag]
    /// The image's disks, the system disk first; for an imported image they name the OSS objects.
    public var diskDeviceMappings: [ECSImageDisk]

    public init(imageId: String, imageName: String? = nil, description: String? = nil, status: ECSImageStatus,
                progress: String? = nil, size: Int? = nil, architecture: String? = nil, osType: String? = nil,
                platform: String? = nil, bootMode: String? = nil, creationTime: String? = nil, tags: [ImportImageRequest.Tag] = [],
                diskDeviceMappings: [ECSImageDisk] = []) {
        self.imageId = imageId
        self.imageName = imageName
        self.description = description
        self.status = status.rawValue
        self.progress = progress
        self.size = size
        self.architecture = architecture
        self.osType = osType
        self.platform = platform
        self.bootMode = bootMode
        self.creationTime = creationTime
        self.tags = tags
        self.diskDeviceMappings = diskDeviceMappings
    }

    public var imageStatus: ECSImageStatus? { ECSImageStatus(rawValue: status) }
    public var progressPercent: Int? { ECSProgress.percent(progress) }

    /// The OSS object the image's system disk was imported from (the disk typed `system`, else
    /// the first); nil for an image that was not imported from OSS or whose answer omits it.
    public var importSource: ObjectLocation? {
        let system = diskDeviceMappings.first { $0.type?.lowercased() == "system" } ?? diskDeviceMappings.first
        return system?.importSource
    }

    private struct WireTag: Codable {
        var TagKey: String
        var TagValue: String?
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: ECSKey.self)
        imageId = c.string("ImageId") ?? ""
        imageName = c.string("ImageName")
        description = c.string("Description")
        status = c.string("Status") ?? ""
        progress = c.string("Progress")
        size = c.int("Size")
        architecture = c.string("Architecture")
        osType = c.string("OSType")
        platform = c.string("Platform")
        bootMode = c.string("BootMode")
        creationTime = c.string("CreationTime")
        tags = try c.list("Tags", "Tag", as: WireTag.self).map { ImportImageRequest.Tag(key: $0.TagKey, value: $0.TagValue ?? "") }
        diskDeviceMappings = try c.list("DiskDeviceMappings", "DiskDeviceMapping", as: ECSImageDisk.self)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: ECSKey.self)
        try c.put(imageId, "ImageId")
        try c.put(imageName, "ImageName")
        try c.put(description, "Description")
        try c.put(status, "Status")
        try c.put(progress, "Progress")
        try c.put(size, "Size")
        try c.put(architecture, "Architecture")
        try c.put(osType, "OSType")
        try c.put(platform, "Platform")
        try c.put(bootMode, "BootMode")
        try c.put(creationTime, "CreationTime")
        try c.put("self", "ImageOwnerAlias")
        try c.putList(tags.map { WireTag(TagKey: $0.key, TagValue: $0.value) }, "Tags", "Tag")
        try c.putList(diskDeviceMappings, "DiskDeviceMappings", "DiskDeviceMapping")
    }
}

/// The answer to DescribeImages (`Images.Image[]` on the wire).
public typealias DescribeImagesResponse = ECSPage<ECSImage>

extension ECSPage where Item == ECSImage {
    public init(requestId: String, regionId: String?, totalCount: Int, pageNumber: Int = 1, pageSize: Int = 10, images: [ECSImage]) {
        self.init(requestId: requestId, regionId: regionId, totalCount: totalCount, pageNumber: pageNumber,
                  pageSize: pageSize, items: images)
    }

    public var images: [ECSImage] {
        get { items }
        set { items = newValue }
    }
}
