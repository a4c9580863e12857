/// Checks an `ImportImageRequest` against every rule of the ImportImage reference, before a
/// single byte is uploaded, and reports each problem with the error ECS itself would return.
///
/// Pure and cheap. The client calls `validate` to fail fast; the emulator calls it to answer
/// exactly as ECS does (ECS reports the first problem, which is `violations(...).first`).
/// Where ECS documents no dedicated code for a rule, the generic `InvalidParameter` is used.
public struct ImportImageValidator: Sendable {
    public var diskSizeLimits: ImportImageDiskSizeLimits
    /// Accept `VMDK` (an invitational preview). Off by default: most accounts are not invited.
    public var acceptsPreviewFormats: Bool

    public init(diskSizeLimits: ImportImageDiskSizeLimits = .current, acceptsPreviewFormats: Bool = false) {
        self.diskSizeLimits = diskSizeLimits
        self.acceptsPreviewFormats = acceptsPreviewFormats
    }

    /// Throws the first violation.
    public func validate(_ request: ImportImageRequest, virtualSizes: [Int: UInt64] = [:]) throws(ImportImageViolation) {
        if let first = violations(of: request, virtualSizes: virtualSizes).first { throw first }
    }

    /// Every violation, in the order ECS checks: required parameters, then names and enums, then
    /// disks, then tags and features. `virtualSizes` maps a disk's N to its image's virtual size
    /// in bytes (from `ImageInspector`), so a `DiskImageSize` too small for it is caught here.
    public func violations(of request: ImportImageRequest, virtualSizes: [Int: UInt64] = [:]) -> [ImportImageViolation] {
        var found: [ImportImageViolation] = []
        if request.regionId.isEmpty { found.append(.missing(.regionIdMissing, "RegionId")) }
        if request.diskDeviceMappings.isEmpty {
            found.append(.missing(.diskMappingMissing, "DiskDeviceMapping", code: "MissingParameter.DiskDeviceMapping", status: 403))
        }
        if request.diskDeviceMappings.count > ImportImageVocabulary.maxDisks {
            found.append(.invalid(.diskMappingIndex, "DiskDeviceMapping",
                                  "at most \(ImportImageVocabulary.maxDisks) disks (1 system disk and 16 data disks)"))
        }
        if let name = request.imageName { found += ImportImageNameRules.imageName(name) }
        if let text = request.description { found += ImportImageNameRules.description(text) }
        found += enumViolations(request)
        for (i, disk) in request.diskDeviceMappings.prefix(ImportImageVocabulary.maxDisks).enumerated() {
            found += diskViolations(disk, index: i + 1, virtualSize: virtualSizes[i + 1])
        }
        found += ImportImageNameRules.tags(request.tags)
        found += featureViolations(request)
        return found
    }

    private func enumViolations(_ r: ImportImageRequest) -> [ImportImageViolation] {
        typealias V = ImportImageVocabulary
        var found: [ImportImageViolation] = []
        func check(_ value: String?, _ allowed: [String], _ rule: ImportImageViolation.Rule, _ name: String, _ code: String) {
            if let value, !allowed.contains(value) {
                found.append(.malformedEnum(rule, name, code: code, value: value, allowed: allowed))
            }
        }
        check(r.architecture, V.architectures, .architectureUnknown, "Architecture", "InvalidArchitecture.Malformed")
        check(r.osType, V.osTypes, .osTypeUnknown, "OSType", "InvalidOSType.Malformed")
        check(r.platform, V.platforms, .platformUnknown, "Platform", "InvalidPlatform.Malformed")
        if let bootMode = r.bootMode, !V.bootModes.contains(bootMode) {
            found.append(.invalid(.bootModeUnknown, "BootMode", "\"\(bootMode)\" is not one of BIOS, UEFI"))
        }
        check(r.licenseType, V.licenseTypes, .licenseTypeUnknown, "LicenseType", "InvalidLicenseType.NotSupported")

        let osType = r.osType ?? V.defaultOSType
        if let platform = r.platform, V.platforms.contains(platform), V.osTypes.contains(osType) {
            let windows = V.windowsPlatforms.contains(platform)
            if windows != (osType == "windows") {
                found.append(ImportImageViolation(
                    rule: .platformOSTypeMismatch, parameter: "Platform", code: "InvalidPlatform.Malformed",
                    message: "The specified Platform is wrongly formed.",
                    reason: "platform \"\(platform)\" is a \(windows ? "Windows" : "Linux") platform but OSType is \(osType)"))
            }
        }
        if (r.architecture ?? V.defaultArchitecture) == "arm64", let bootMode = r.bootMode, bootMode != "UEFI" {
            found.append(.invalid(.arm64RequiresUEFI, "BootMode", "arm64 images boot only in UEFI mode, not \(bootMode)"))
        }
        return found
    }

    private func diskViolations(_ disk: ImportImageRequest.DiskDeviceMapping, index n: Int, virtualSize: UInt64?) -> [ImportImageViolation] {
        let p = "DiskDeviceMapping.\(n)."
        var found: [ImportImageViolation] = []
        if disk.ossBucket.isEmpty { found.append(.missing(.ossBucketMissing, p + "OSSBucket")) }
        if disk.ossObject.isEmpty {
            found.append(.missing(.ossObjectMissing, p + "OSSObject"))
        } else if disk.ossObject.utf8.count > 1023 || disk.ossObject.hasPrefix("/") || disk.ossObject.hasPrefix("\\") {
            found.append(ImportImageViolation(rule: .ossObjectMalformed, parameter: p + "OSSObject",
                                              code: "InvalidOSSObject.Malformed", message: "The specified OSSObject is wrongly formed.",
                                              reason: "an OSS object key is 1–1023 bytes and does not start with / or \\"))
        }
        if let format = disk.format, !format.isEmpty {
            found += formatViolations(format, parameter: p + "Format")
        }
        if let size = disk.diskImageSize {
            let range = n == 1 ? diskSizeLimits.systemDisk : diskSizeLimits.dataDisk
            if !range.contains(size) {
                found.append(.diskSize(n == 1 ? .systemDiskSizeRange : .dataDiskSizeRange, index: n, parameter: p + "DiskImageSize",
                                       "\(size) GiB is outside \(range.lowerBound)–\(range.upperBound) GiB for a \(n == 1 ? "system" : "data") disk"))
            } else if let virtualSize, size < ImportImageDiskSizeLimits.minimumGiB(forVirtualSize: virtualSize) {
                let need = ImportImageDiskSizeLimits.minimumGiB(forVirtualSize: virtualSize)
                found.append(.diskSize(.diskSmallerThanImage, index: n, parameter: p + "DiskImageSize",
                                       "\(size) GiB cannot hold the image's virtual size of \(virtualSize) bytes; use at least \(need) GiB"))
            }
        }
        if let device = disk.device, !Self.isDeviceName(device) {
            found.append(ImportImageViolation(rule: .deviceMalformed, parameter: p + "Device", code: "InvalidParameter.Malformed",
                                              httpStatus: 403, message: "The specified parameter DiskDeviceMapping.n.Device is not valid.",
                                              reason: "\"\(device)\" is not a device name like /dev/xvda or /dev/vdb"))
        }
        return found
    }

    private func formatViolations(_ format: String, parameter: String) -> [ImportImageViolation] {
        let upper = format.uppercased()
        let message = "The specified Image Format is wrongly formed."
        if ImportImageVocabulary.generallyAvailableFormats.contains(upper) { return [] }
        if ImportImageVocabulary.previewFormats.contains(upper) {
            return acceptsPreviewFormats ? [] : [ImportImageViolation(
                rule: .formatPreview, parameter: parameter, code: "InvalidImageFormat.Malformed", message: message,
                reason: "\(upper) import is an invitational preview; convert it to QCOW2 or RAW (qemu-img convert -O qcow2)")]
        }
        if upper == "ISO" {
            return [ImportImageViolation(rule: .formatISO, parameter: parameter, code: "InvalidImageFormat.Malformed", message: message,
                                         reason: "ISO is not importable; convert it to RAW, VHD or QCOW2 first")]
        }
        return [ImportImageViolation(rule: .formatUnknown, parameter: parameter, code: "InvalidImageFormat.Malformed", message: message,
                                     reason: "\"\(format)\" is not one of RAW, VHD, QCOW2")]
    }

    private func featureViolations(_ r: ImportImageRequest) -> [ImportImageViolation] {
        typealias V = ImportImageVocabulary
        var found: [ImportImageViolation] = []
        func check(_ value: String?, _ allowed: [String], _ rule: ImportImageViolation.Rule, _ name: String) {
            if let value, !allowed.contains(value) {
                found.append(.invalid(rule, name, "\"\(value)\" is not one of \(allowed.joined(separator: ", "))"))
            }
        }
        check(r.detectionStrategy, V.detectionStrategies, .detectionStrategyUnknown, "DetectionStrategy")
        check(r.nvmeSupport, V.nvmeSupport, .nvmeSupportUnknown, "Features.NvmeSupport")
        check(r.imdsSupport, V.imdsSupport, .imdsSupportUnknown, "Features.ImdsSupport")
        if let token = r.clientToken, token.isEmpty || token.utf8.count > 64 || !token.unicodeScalars.allSatisfy(\.isASCII) {
            found.append(.invalid(.clientTokenMalformed, "ClientToken", "must be 1–64 ASCII characters"))
        }
        if let role = r.roleName, !ImportImageNameRules.isRoleName(role) {
            found.append(.invalid(.roleNameMalformed, "RoleName", "a RAM role name is 1–64 letters, digits, '.' or '-'"))
        }
        return found
    }

    /// `/dev/xvd?`, `/dev/vd?` or `/dev/sd?` with one or two letters.
    static func isDeviceName(_ device: String) -> Bool {
        for prefix in ["/dev/xvd", "/dev/vd", "/dev/sd"] where device.hasPrefix(prefix) {
            let rest = device.dropFirst(prefix.count)
            return (1...2).contains(rest.count) && rest.allSatisfy { $0.isASCII && $0.isLowercase }
        }
        return false
    }
}
