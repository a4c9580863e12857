/// The sources of one import's parameters, lowest precedence first: the config's `[import]`
/// defaults, then a manifest, then the command line. It merges them and, when the merged
/// request breaks an ImportImage rule, says which file and line set the offending value, so a
/// bad manifest is fixed in the manifest rather than hunted for.
public struct ImportParameterLayers: Sendable {
    public private(set) var layers: [ImportManifest] = []

    public init() {}

    /// Adds a layer above the existing ones.
    public mutating func add(_ layer: ImportManifest) {
        layers.append(layer)
    }

    /// Adds the command-line flags, the top layer.
    public mutating func add(flags: ImportParameters) {
        layers.append(ImportManifest(parameters: flags, source: "the command line"))
    }

    public var merged: ImportParameters {
        layers.reduce(ImportParameters()) { $0.overlaid(with: $1.parameters) }
    }

    /// The top layer's `import = true|false`, or nil when no layer says.
    public var importEnabled: Bool? {
        layers.last { $0.importEnabled != nil }?.importEnabled
    }

    /// `"disk.toml:7 (platform)"` for the layer whose value `violation` is about, or nil when
    /// the value came from the command line, from the image inspection or from nowhere.
    public func origin(of violation: ImportImageViolation) -> String? {
        guard let key = manifestKey(of: violation.parameter) else { return nil }
        for layer in layers.reversed() where Self.sets(layer.parameters, key) {
            guard layer.source != "the command line" else { return nil }
            return layer.lines[key].map { "\(layer.source):\($0) (\(key))" } ?? "\(layer.source) (\(key))"
        }
        return nil
    }

    /// `error` with the file and line of the offending value, when a file set it.
    public func locating(_ error: ImportError) -> ImportError {
        guard case .invalidParameters(let violation) = error, let origin = origin(of: violation) else { return error }
        return .invalidSetting(violation, origin: origin)
    }

    /// The manifest key behind a wire parameter; tags become `tags.<key>` of the merged list.
    func manifestKey(of parameter: String) -> String? {
        if parameter.hasPrefix("Tag.") {
            let parts = parameter.split(separator: ".")
            guard parts.count == 3, let n = Int(parts[1]), n >= 1, n <= merged.tags.count else { return nil }
            return "tags.\(merged.tags[n - 1].key)"
        }
        return Self.wireKeys[parameter]
    }

    static let wireKeys: [String: String] = [
        "ImageName": "image-name", "Description": "description", "Platform": "platform", "OSType": "os-type",
        "Architecture": "architecture", "BootMode": "boot-mode", "LicenseType": "license-type",
        "DiskDeviceMapping.1.Format": "format", "DiskDeviceMapping.1.DiskImageSize": "disk-image-size",
        "ResourceGroupId": "resource-group-id", "DetectionStrategy": "detection-strategy",
        "Features.NvmeSupport": "nvme-support", "RoleName": "role-name", "RegionId": "region",
    ]

    /// Whether `p` sets the value a manifest key names.
    static func sets(_ p: ImportParameters, _ key: String) -> Bool {
        if key.hasPrefix("tags.") {
            let tag = key.dropFirst("tags.".count)
            return p.tags.contains { $0.key == tag }
        }
        switch key {
        case "image-name": return p.imageName != nil
        case "description": return p.description != nil
        case "platform": return p.platform != nil
        case "os-type": return p.osType != nil
        case "architecture": return p.architecture != nil
        case "boot-mode": return p.bootMode != nil
        case "license-type": return p.licenseType != nil
        case "format": return p.format != nil
        case "disk-image-size": return p.diskImageSizeGiB != nil
        case "resource-group-id": return p.resourceGroupId != nil
        case "detection-strategy": return p.detectionStrategy != nil
        case "nvme-support": return p.nvmeSupport != nil
        case "role-name": return p.roleName != nil
        case "region": return p.region != nil
        default: return false
        }
    }
}
