import Foundation

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
        try Self.checkUserTags(request.tags)
        let sizes: [Int: UInt64] = inspection.map { [1: $0.virtualSize] } ?? [:]
        // A templated name is checked as one of its expansions would be: the tracker expands it
        // per job, when the attempt is opened, and makes it valid as derived names are.
        var sample = request
        sample.imageName = try Self.sampleName(request.imageName, fileName: NameTemplate.fileName(of: sourceFile ?? object.key))
        sample.tags += ImageProvenance.tags(jobId: "j-00000000", crc64: 0)
        if let violation = validator.violations(of: sample, virtualSizes: sizes).first {
            throw .invalidParameters(violation)
        }
        return Prepared(request: request, inspection: inspection)
    }

    /// `hoist:` tags are Hoist's own (`ImageProvenance`): a user tag may not set them, and two
    /// of ImportImage's 20 tags are theirs.
    static func checkUserTags(_ tags: [ImportImageRequest.Tag]) throws(ImportError) {
        if let tag = tags.first(where: { $0.key.hasPrefix(ImageProvenance.reservedPrefix) }) {
            throw .usage("the tag \(tag.key) uses the prefix \(ImageProvenance.reservedPrefix), which Hoist keeps for the tags that "
                         + "prove an image's build (\(ImageProvenance.jobTag), \(ImageProvenance.crcTag)); rename it")
        }
        if tags.count > ImageProvenance.maxUserTags {
            throw .usage("\(tags.count) tags given; ImportImage takes \(ImportImageVocabulary.maxTags) and Hoist adds "
                         + "\(ImageProvenance.jobTag) and \(ImageProvenance.crcTag), so at most \(ImageProvenance.maxUserTags) may be given")
        }
    }

    /// The name as a job would get it, with stand-in values for the job's own facts.
    static func sampleName(_ name: String?, fileName: String) throws(ImportError) -> String? {
        guard let name, !name.isEmpty else { return name }
        let context = NameTemplate.Context(fileName: fileName, jobId: "j-00000000", created: Date(), crc64: 0)
        switch try ImportTracker.expandedName(name, context: context) {
        case .literal(let n), .expanded(let n): return n
        case .needs: return name
        }
    }

    /// The image name a job gets when none is given: the object key's file name, made valid by
    /// the ImportImage name rules (`builds/web server.raw` → `web-server.raw`). A key template's
    /// placeholders are left for the job to expand (`builds/{stem}-{date}.raw` → `{stem}-{date}.raw`).
    public static func derivedImageName(for object: ObjectLocation) -> String {
        let file = NameTemplate.fileName(of: object.key)
        if let template = try? NameTemplate(file, allowed: NameTemplate.keyPlaceholders), !template.isLiteral { return file }
        return ImportImageNameRules.derivedImageName(fromObjectKey: object.key)
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
