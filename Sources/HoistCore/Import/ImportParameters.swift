/// What a person asks for when importing an image: the ImportImage parameters Hoist exposes,
/// before the object, the inspected file and the ClientToken are known.
///
/// Every field is optional so that the sources of parameters (config defaults, a folder's
/// `_defaults.toml`, an image's own manifest, command-line flags) can be layered with
/// `overlaid(with:)`; whatever stays nil is left for ECS (or the image inspection) to decide.
public struct ImportParameters: Sendable, Equatable {
    public var imageName: String?
    public var description: String?
    public var platform: String?
    public var osType: String?
    public var architecture: String?
    public var bootMode: String?
    public var licenseType: String?
    /// `DiskDeviceMapping.1.Format`; nil means "take it from the inspected file, else let ECS detect it".
    public var format: String?
    /// `DiskDeviceMapping.1.DiskImageSize` in GiB; nil means "just enough for the inspected file".
    public var diskImageSizeGiB: Int?
    public var resourceGroupId: String?
    /// In order; a later layer replaces the value of a key an earlier layer set.
    public var tags: [ImportImageRequest.Tag]
    public var detectionStrategy: String?
    /// `Features.NvmeSupport`.
    public var nvmeSupport: String?
    public var roleName: String?
    public var region: String?

    public init(imageName: String? = nil, description: String? = nil, platform: String? = nil, osType: String? = nil,
                architecture: String? = nil, bootMode: String? = nil, licenseType: String? = nil, format: String? = nil,
                diskImageSizeGiB: Int? = nil, resourceGroupId: String? = nil, tags: [ImportImageRequest.Tag] = [],
                detectionStrategy: String? = nil, nvmeSupport: String? = nil, roleName: String? = nil,
                region: String? = nil) {
        self.imageName = imageName
        self.description = description
        self.platform = platform
        self.osType = osType
        self.architecture = architecture
        self.bootMode = bootMode
        self.licenseType = licenseType
        self.format = format
        self.diskImageSizeGiB = diskImageSizeGiB
        self.resourceGroupId = resourceGroupId
        self.tags = tags
        self.detectionStrategy = detectionStrategy
        self.nvmeSupport = nvmeSupport
        self.roleName = roleName
        self.region = region
    }

    /// These parameters with every value `overrides` sets taking precedence: command-line flags
    /// over a manifest, a manifest over folder defaults. Tags merge by key, so a flag can change
    /// one tag without repeating the others.
    public func overlaid(with overrides: ImportParameters) -> ImportParameters {
        var merged = self
        merged.imageName = overrides.imageName ?? imageName
        merged.description = overrides.description ?? description
        merged.platform = overrides.platform ?? platform
        merged.osType = overrides.osType ?? osType
        merged.architecture = overrides.architecture ?? architecture
        merged.bootMode = overrides.bootMode ?? bootMode
        merged.licenseType = overrides.licenseType ?? licenseType
        merged.format = overrides.format ?? format
        merged.diskImageSizeGiB = overrides.diskImageSizeGiB ?? diskImageSizeGiB
        merged.resourceGroupId = overrides.resourceGroupId ?? resourceGroupId
        merged.detectionStrategy = overrides.detectionStrategy ?? detectionStrategy
        merged.nvmeSupport = overrides.nvmeSupport ?? nvmeSupport
        merged.roleName = overrides.roleName ?? roleName
        merged.region = overrides.region ?? region
        for tag in overrides.tags {
            if let i = merged.tags.firstIndex(where: { $0.key == tag.key }) {
                merged.tags[i].value = tag.value
            } else {
                merged.tags.append(tag)
            }
        }
        return merged
    }

    /// Parses a `key=value` tag as given on the command line; `key` alone means an empty value.
    public static func tag(_ text: String) -> ImportImageRequest.Tag {
        guard let eq = text.firstIndex(of: "=") else { return ImportImageRequest.Tag(key: text) }
        return ImportImageRequest.Tag(key: String(text[..<eq]), value: String(text[text.index(after: eq)...]))
    }
}
