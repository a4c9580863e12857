/// Reading an `ImportImageRequest` back from flat RPC parameters, for the emulator.
///
/// Only structural problems are reported here (an index out of range, a size that is not an
/// integer); everything else is left to `ImportImageValidator`, so both sides share one rule set.
extension ImportImageRequest {
    public init(parameters p: [String: String]) throws(ImportImageViolation) {
        var disks: [Int: [String: String]] = [:]
        var tags: [Int: [String: String]] = [:]
        for (name, value) in p {
            if let (n, field) = try Self.indexed(name, prefix: "DiskDeviceMapping.", limit: ImportImageVocabulary.maxDisks) {
                disks[n, default: [:]][field] = value
            } else if let (n, field) = try Self.indexed(name, prefix: "Tag.", limit: ImportImageVocabulary.maxTags) {
                tags[n, default: [:]][field] = value
            }
        }
        var mappings: [DiskDeviceMapping] = []
        for n in stride(from: 1, through: disks.keys.max() ?? 0, by: 1) {
            let f = disks[n] ?? [:]
            var size: Int?
            for field in ["DiskImageSize", "DiskImSize"] where size == nil {
                guard let text = f[field] else { continue }
                guard let value = Int(text) else {
                    throw .diskSize(.diskSizeNotInteger, index: n, parameter: "DiskDeviceMapping.\(n).\(field)",
                                    "\"\(text)\" is not a whole number of GiB")
                }
                size = value
            }
            mappings.append(DiskDeviceMapping(ossBucket: f["OSSBucket"] ?? "", ossObject: f["OSSObject"] ?? "",
                                              format: f["Format"], diskImageSize: size, device: f["Device"]))
        }
        var tagList: [Tag] = []
        for n in stride(from: 1, through: tags.keys.max() ?? 0, by: 1) {
            tagList.append(Tag(key: tags[n]?["Key"] ?? "", value: tags[n]?["Value"] ?? ""))
        }
        var dryRun: Bool?
        if let text = p["DryRun"] {
            switch text.lowercased() {
            case "true": dryRun = true
            case "false": dryRun = false
            default: throw .invalid(.dryRunMalformed, "DryRun", "must be true or false")
            }
        }
        self.init(regionId: p["RegionId"] ?? "", imageName: p["ImageName"], description: p["Description"],
                  architecture: p["Architecture"], osType: p["OSType"], platform: p["Platform"], bootMode: p["BootMode"],
                  licenseType: p["LicenseType"], diskDeviceMappings: mappings, resourceGroupId: p["ResourceGroupId"],
                  tags: tagList, detectionStrategy: p["DetectionStrategy"], nvmeSupport: p["Features.NvmeSupport"],
                  imdsSupport: p["Features.ImdsSupport"], roleName: p["RoleName"], clientToken: p["ClientToken"],
                  dryRun: dryRun, storageLocationArn: p["StorageLocationArn"])
    }

    /// Splits `Prefix.N.Field` and checks N before anything is allocated for it, so a hostile
    /// `DiskDeviceMapping.99999999.OSSBucket` costs nothing.
    private static func indexed(_ name: String, prefix: String, limit: Int) throws(ImportImageViolation) -> (Int, String)? {
        guard name.hasPrefix(prefix) else { return nil }
        let rest = name.dropFirst(prefix.count)
        guard let dot = rest.firstIndex(of: "."), let n = Int(rest[..<dot]) else { return nil }
        let field = String(rest[rest.index(after: dot)...])
        guard (1...limit).contains(n) else {
            if prefix == "Tag." { throw .tagCount(name) }
            throw .invalid(.diskMappingIndex, name, "N must be 1–\(limit) (1 is the system disk)")
        }
        return (n, field)
    }
}
