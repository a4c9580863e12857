/// Every parameter of ECS `ImportImage`, as a value.
///
/// Optional strings stay nil when the caller leaves a parameter out, so ECS applies its own
/// defaults and the rendered parameter list contains exactly what was chosen. Strings rather
/// than enums: the emulator decodes arbitrary client input into this type and validates it
/// (see `ImportImageVocabulary` for the accepted values).
public struct ImportImageRequest: Sendable, Equatable {
    /// One `DiskDeviceMapping.N`: N = 1 is the system disk, 2…17 data disks.
    public struct DiskDeviceMapping: Sendable, Equatable {
        public var ossBucket: String
        public var ossObject: String
        /// `RAW`, `VHD`, `QCOW2` (`VMDK` preview); nil lets ECS detect the format.
        public var format: String?
        /// GiB after import; must hold the image's virtual size.
        public var diskImageSize: Int?
        /// Deprecated device name (`/dev/xvda`); ECS has no `DeviceName` parameter.
        public var device: String?

        public init(ossBucket: String, ossObject: String, format: String? = nil, diskImageSize: Int? = nil, device: String? = nil) {
            self.ossBucket = ossBucket
            self.ossObject = ossObject
            self.format = format
            self.diskImageSize = diskImageSize
            self.device = device
        }
    }

    public struct Tag: Sendable, Equatable {
        public var key: String
        public var value: String
        public init(key: String, value: String = "") {
            self.key = key
            self.value = value
        }
    }

    public var regionId: String
    public var imageName: String?
    public var description: String?
    public var architecture: String?
    public var osType: String?
    public var platform: String?
    public var bootMode: String?
    public var licenseType: String?
    public var diskDeviceMappings: [DiskDeviceMapping]
    public var resourceGroupId: String?
    public var tags: [Tag]
    public var detectionStrategy: String?
    /// `Features.NvmeSupport`.
    public var nvmeSupport: String?
    /// `Features.ImdsSupport`.
    public var imdsSupport: String?
    /// The RAM role ECS assumes to read OSS; nil means `AliyunECSImageImportDefaultRole`.
    public var roleName: String?
    /// Idempotency token: generated and journaled before the first call, reused on retries.
    public var clientToken: String?
    public var dryRun: Bool?
    public var storageLocationArn: String?

    public init(regionId: String, imageName: String? = nil, description: String? = nil, architecture: String? = nil,
                osType: String? = nil, platform: String? = nil, bootMode: String? = nil, licenseType: String? = nil,
                diskDeviceMappings: [DiskDeviceMapping], resourceGroupId: String? = nil, tags: [Tag] = [],
                detectionStrategy: String? = nil, nvmeSupport: String? = nil, imdsSupport: String? = nil,
                roleName: String? = nil, clientToken: String? = nil, dryRun: Bool? = nil, storageLocationArn: String? = nil) {
        self.regionId = regionId
        self.imageName = imageName
        self.description = description
        self.architecture = architecture
        self.osType = osType
        self.platform = platform
        self.bootMode = bootMode
        self.licenseType = licenseType
        self.diskDeviceMappings = diskDeviceMappings
        self.resourceGroupId = resourceGroupId
        self.tags = tags
        self.detectionStrategy = detectionStrategy
        self.nvmeSupport = nvmeSupport
        self.imdsSupport = imdsSupport
        self.roleName = roleName
        self.clientToken = clientToken
        self.dryRun = dryRun
        self.storageLocationArn = storageLocationArn
    }

    /// The flat RPC parameters (decoded), in the API reference's order; unset values are left out.
    public var parameters: [(name: String, value: String)] {
        var out: [(name: String, value: String)] = [("RegionId", regionId)]
        func add(_ name: String, _ value: String?) {
            if let value { out.append((name, value)) }
        }
        add("ImageName", imageName)
        add("Description", description)
        add("Architecture", architecture)
        add("OSType", osType)
        add("Platform", platform)
        add("BootMode", bootMode)
        add("LicenseType", licenseType)
        for (i, disk) in diskDeviceMappings.enumerated() {
            let p = "DiskDeviceMapping.\(i + 1)."
            add(p + "OSSBucket", disk.ossBucket)
            add(p + "OSSObject", disk.ossObject)
            add(p + "Format", disk.format)
            add(p + "DiskImageSize", disk.diskImageSize.map(String.init))
            add(p + "Device", disk.device)
        }
        for (i, tag) in tags.enumerated() {
            add("Tag.\(i + 1).Key", tag.key)
            add("Tag.\(i + 1).Value", tag.value)
        }
        add("ResourceGroupId", resourceGroupId)
        add("DetectionStrategy", detectionStrategy)
        add("Features.NvmeSupport", nvmeSupport)
        add("Features.ImdsSupport", imdsSupport)
        add("RoleName", roleName)
        add("ClientToken", clientToken)
        add("DryRun", dryRun.map { $0 ? "true" : "false" })
        add("StorageLocationArn", storageLocationArn)
        return out
    }
}
