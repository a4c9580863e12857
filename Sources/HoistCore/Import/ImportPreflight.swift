/// Everything that can be checked before a request leaves the host: the local image (when
/// known), Hoist's own requirements, and every ImportImage rule. A bad manifest or flag fails
/// here in milliseconds with the rule it broke, instead of minutes later as an ECS error.
public struct ImportPreflight: Sendable {
    public var validator: ImportImageValidator
    /// Where the region comes from when neither flags nor manifest give it.
    public var defaultRegion: String?

    public init(validator: ImportImageValidator = ImportImageValidator(), defaultRegion: String? = nil) {
        self.validator = validator
        self.defaultRegion = defaultRegion
    }

    /// The checked ImportImage request (without a ClientToken: the tracker adds and journals it)
    /// and what was learnt about the file.
    public struct Prepared: Sendable, Equatable {
        public var request: ImportImageRequest
        public var inspection: ImageInspection?
    }

    /// Inspects `sourceFile` (if given), fills the disk's `Format` and `DiskImageSize` from it
    /// where the parameters leave them open, and validates the result.
    public func prepare(_ parameters: ImportParameters, object: ObjectLocation,
                        sourceFile: String? = nil) throws(ImportError) -> Prepared {
        var inspection: ImageInspection?
        if let sourceFile {
            do {
                inspection = try ImageInspector.inspect(path: sourceFile)
            } catch {
                throw .imageRefused(error)
            }
        }
        let request = try request(parameters, object: object, inspection: inspection)
        let sizes: [Int: UInt64] = inspection.map { [1: $0.virtualSize] } ?? [:]
        if let violation = validator.violations(of: request, virtualSizes: sizes).first {
            throw .invalidParameters(violation)
        }
        return Prepared(request: request, inspection: inspection)
    }

    /// The image name a job gets when none is given: the object key's file name, made valid by
    /// the ImportImage name rules (`builds/web server.raw` → `web-server.raw`).
    public static func derivedImageName(for object: ObjectLocation) -> String {
        ImportImageNameRules.derivedImageName(fromObjectKey: object.key)
    }

    /// The request the parameters describe. Pure: no file access, no validation beyond what
    /// Hoist itself needs (a region, a format that agrees with the file).
    public func request(_ p: ImportParameters, object: ObjectLocation,
                       inspection: ImageInspection?) throws(ImportError) -> ImportImageRequest {
        // Hoist finds (and adopts) an import already under way by its name, so a job always has
        // one: without a name given, it is derived from the object's file name.
        let imageName = p.imageName.flatMap { $0.isEmpty ? nil : $0 } ?? Self.derivedImageName(for: object)
        guard let region = p.region ?? defaultRegion, !region.isEmpty else {
            throw .usage("the region is unknown: pass --region (for example cn-hangzhou), set region in the manifest, "
                         + "or set ALIBABA_CLOUD_REGION_ID; it must be the OSS bucket's region")
        }
        var format = p.format?.uppercased()
        if let inspection {
            if let declared = format, declared != inspection.importFormat, declared != "ISO" {
                throw .formatMismatch(declared: declared, detected: inspection.importFormat)
            }
            format = format ?? inspection.importFormat
        }
        let minimum = validator.diskSizeLimits.systemDisk.lowerBound
        let size = p.diskImageSizeGiB ?? inspection.map { max(minimum, $0.minimumDiskImageSizeGiB) }
        let disk = ImportImageRequest.DiskDeviceMapping(ossBucket: object.bucket, ossObject: object.key,
                                                        format: format, diskImageSize: size)
        return ImportImageRequest(
            regionId: region, imageName: imageName, description: p.description, architecture: p.architecture,
            osType: p.osType, platform: p.platform, bootMode: p.bootMode, licenseType: p.licenseType,
            diskDeviceMappings: [disk], resourceGroupId: p.resourceGroupId, tags: p.tags,
            detectionStrategy: p.detectionStrategy, nvmeSupport: p.nvmeSupport, roleName: p.roleName)
    }
}
