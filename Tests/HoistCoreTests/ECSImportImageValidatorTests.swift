import Testing
@testable import HoistCore

/// Every ImportImage rule from the reference, each broken on its own, with the ECS error code.
@Suite struct ECSImportImageValidatorTests {
    /// The parameter set of the reference vectors (§4.4).
    static var vectorRequest: ImportImageRequest {
        ImportImageRequest(
            regionId: "cn-hangzhou", imageName: "ubuntu-22.04-custom_v1", description: "Imported by unit test: a*b ~c (v1)",
            architecture: "x86_64", osType: "linux", platform: "Ubuntu", bootMode: "UEFI", licenseType: "Auto",
            diskDeviceMappings: [.init(ossBucket: "examplebucket", ossObject: "images/ubuntu-22.04.qcow2", format: "QCOW2", diskImageSize: 40)],
            tags: [.init(key: "env", value: "test")], detectionStrategy: "Standard", nvmeSupport: "supported",
            clientToken: "0c593ea1-3bea-11e9-b96b-88e9fe637760")
    }

    static func first(_ edit: (inout ImportImageRequest) -> Void, _ validator: ImportImageValidator = ImportImageValidator(),
                      virtualSizes: [Int: UInt64] = [:]) -> ImportImageViolation? {
        var r = vectorRequest
        edit(&r)
        return validator.violations(of: r, virtualSizes: virtualSizes).first
    }

    @Test func vectorRequestIsValidAndRendersTheVectorParameters() throws {
        #expect(ImportImageValidator().violations(of: Self.vectorRequest).isEmpty)
        let v = try Fixtures.json("ecs-rpc-signature")["acs3_hmac_sha256"] as! [[String: Any]]
        let expected = v[0]["query"] as! [String: String]
        let rendered = Self.vectorRequest.parameters
        #expect(Dictionary(uniqueKeysWithValues: rendered.map { ($0.name, $0.value) }) == expected)
        #expect(rendered.count == expected.count)
    }

    @Test func wireRoundTrip() throws {
        var r = Self.vectorRequest
        r.diskDeviceMappings.append(.init(ossBucket: "b", ossObject: "data.raw", diskImageSize: 100, device: "/dev/xvdb"))
        r.tags.append(.init(key: "team"))
        r.dryRun = true
        r.roleName = "CustomImportRole"
        let parsed = try ImportImageRequest(parameters: Dictionary(uniqueKeysWithValues: r.parameters.map { ($0.name, $0.value) }))
        #expect(parsed == r)
        let alias = try ImportImageRequest(parameters: ["RegionId": "r", "DiskDeviceMapping.1.OSSBucket": "b",
                                                        "DiskDeviceMapping.1.OSSObject": "o", "DiskDeviceMapping.1.DiskImSize": "7"])
        #expect(alias.diskDeviceMappings[0].diskImageSize == 7)
    }

    static func parseError(_ p: [String: String]) -> ImportImageViolation? {
        do {
            _ = try ImportImageRequest(parameters: p)
            return nil
        } catch { return error }
    }

    @Test func wireStructuralErrors() {
        #expect(Self.parseError(["DiskDeviceMapping.18.OSSBucket": "b"])?.rule == .diskMappingIndex)
        #expect(Self.parseError(["DiskDeviceMapping.0.OSSBucket": "b"])?.rule == .diskMappingIndex)
        #expect(Self.parseError(["Tag.21.Key": "k"])?.code == "NumberExceed.Tags")
        let size = Self.parseError(["DiskDeviceMapping.2.DiskImageSize": "lots"])
        #expect(size?.code == "InvalidDataDiskSize" && size?.rule == .diskSizeNotInteger)
        #expect(Self.parseError(["DryRun": "maybe"])?.rule == .dryRunMalformed)
        // A gap (only disk 2) leaves disk 1 without its required fields.
        let gap = try? ImportImageRequest(parameters: ["RegionId": "r", "DiskDeviceMapping.2.OSSBucket": "b", "DiskDeviceMapping.2.OSSObject": "o"])
        #expect(ImportImageValidator().violations(of: gap!).first?.parameter == "DiskDeviceMapping.1.OSSBucket")
    }

    @Test func requiredParameters() {
        let region = Self.first { $0.regionId = "" }
        #expect(region?.code == "MissingParameter" && region?.parameter == "RegionId" && region?.httpStatus == 400)
        let disks = Self.first { $0.diskDeviceMappings = [] }
        #expect(disks?.code == "MissingParameter.DiskDeviceMapping" && disks?.httpStatus == 403)
        #expect(Self.first { $0.diskDeviceMappings[0].ossBucket = "" }?.parameter == "DiskDeviceMapping.1.OSSBucket")
        let object = Self.first { $0.diskDeviceMappings[0].ossObject = "" }
        #expect(object?.parameter == "DiskDeviceMapping.1.OSSObject" && object?.code == "MissingParameter")
        #expect(object?.message == "The input parameter \"DiskDeviceMapping.1.OSSObject\" that is mandatory for processing this request is not supplied.")
        #expect(Self.first { $0.diskDeviceMappings[0].ossObject = "/abs" }?.code == "InvalidOSSObject.Malformed")
        let many = Self.first { $0.diskDeviceMappings = Array(repeating: .init(ossBucket: "b", ossObject: "o"), count: 18) }
        #expect(many?.rule == .diskMappingIndex)
    }

    @Test(arguments: [
        ("a", ImportImageViolation.Rule.imageNameLength),
        (String(repeating: "a", count: 129), .imageNameLength),
        ("1ubuntu", .imageNameFirstCharacter),
        ("-ubuntu", .imageNameFirstCharacter),
        ("aliyun-linux", .imageNameReservedPrefix),
        ("AliYun-linux", .imageNameReservedPrefix),
        ("acs:image", .imageNameReservedPrefix),
        ("see-http://x", .imageNameURL),
        ("my image", .imageNameCharacters),
        ("img/1", .imageNameCharacters),
    ])
    func imageNameRules(name: String, rule: ImportImageViolation.Rule) {
        let v = Self.first { $0.imageName = name }
        #expect(v?.rule == rule)
        #expect(v?.code == "InvalidImageName.Malformed")
        #expect(v?.message == "The specified Image name is wrongly formed.")
    }

    @Test func imageNamesThatPass() {
        for name in ["ab", "Ubuntu-22.04:v1_final", "镜像-ubuntu", String(repeating: "z", count: 128), "Ali-yunX"] {
            #expect(Self.first { $0.imageName = name } == nil, "\(name)")
        }
    }

    @Test func descriptionRules() {
        #expect(Self.first { $0.description = "x" }?.rule == .descriptionLength)
        #expect(Self.first { $0.description = String(repeating: "d", count: 257) }?.rule == .descriptionLength)
        #expect(Self.first { $0.description = "https://example.com image" }?.code == "InvalidDescription.Malformed")
        #expect(Self.first { $0.description = String(repeating: "d", count: 256) } == nil)
    }

    @Test func enumeratedValues() {
        #expect(Self.first { $0.architecture = "amd64" }?.code == "InvalidArchitecture.Malformed")
        #expect(Self.first { $0.osType = "Linux" }?.code == "InvalidOSType.Malformed")
        #expect(Self.first { $0.platform = "Arch" }?.code == "InvalidPlatform.Malformed")
        #expect(Self.first { $0.bootMode = "Legacy" }?.rule == .bootModeUnknown)
        #expect(Self.first { $0.licenseType = "Free" }?.code == "InvalidLicenseType.NotSupported")
        #expect(Self.first { $0.detectionStrategy = "Deep" }?.rule == .detectionStrategyUnknown)
        #expect(Self.first { $0.nvmeSupport = "yes" }?.rule == .nvmeSupportUnknown)
        #expect(Self.first { $0.imdsSupport = "v3" }?.rule == .imdsSupportUnknown)
        #expect(Self.first { $0.platform = "Rocky Linux"; $0.architecture = "arm64" } == nil)
        for platform in ImportImageVocabulary.linuxPlatforms { #expect(Self.first { $0.platform = platform } == nil) }
    }

    @Test func combinations() {
        let mismatch = Self.first { $0.osType = "windows" }
        #expect(mismatch?.rule == .platformOSTypeMismatch && mismatch?.code == "InvalidPlatform.Malformed")
        #expect(Self.first { $0.platform = "Windows Server 2022" }?.rule == .platformOSTypeMismatch)
        #expect(Self.first { $0.platform = "Windows Server 2022"; $0.osType = "windows"; $0.licenseType = "BYOL" } == nil)
        #expect(Self.first { $0.architecture = "arm64"; $0.bootMode = "BIOS" }?.rule == .arm64RequiresUEFI)
        #expect(Self.first { $0.architecture = "arm64"; $0.bootMode = nil } == nil)
    }

    @Test func formats() {
        #expect(Self.first { $0.diskDeviceMappings[0].format = "qcow2" } == nil)
        #expect(Self.first { $0.diskDeviceMappings[0].format = nil } == nil)
        let iso = Self.first { $0.diskDeviceMappings[0].format = "ISO" }
        #expect(iso?.rule == .formatISO && iso?.code == "InvalidImageFormat.Malformed")
        #expect(iso?.reason == "ISO is not importable; convert it to RAW, VHD or QCOW2 first")
        #expect(Self.first { $0.diskDeviceMappings[0].format = "VMDK" }?.rule == .formatPreview)
        #expect(Self.first({ $0.diskDeviceMappings[0].format = "VMDK" }, ImportImageValidator(acceptsPreviewFormats: true)) == nil)
        #expect(Self.first { $0.diskDeviceMappings[0].format = "VHDX" }?.rule == .formatUnknown)
    }

    @Test func diskSizes() {
        func disk2(_ size: Int) -> (inout ImportImageRequest) -> Void {
            { $0.diskDeviceMappings.append(.init(ossBucket: "b", ossObject: "d", diskImageSize: size)) }
        }
        #expect(Self.first { $0.diskDeviceMappings[0].diskImageSize = 2049 }?.code == "InvalidImageSize")
        #expect(Self.first { $0.diskDeviceMappings[0].diskImageSize = 0 }?.rule == .systemDiskSizeRange)
        #expect(Self.first { $0.diskDeviceMappings[0].diskImageSize = 1 } == nil)
        #expect(Self.first { $0.diskDeviceMappings[0].diskImageSize = 2048 } == nil)
        let data = Self.first(disk2(2049))
        #expect(data?.code == "InvalidDataDiskSize" && data?.parameter == "DiskDeviceMapping.2.DiskImageSize")
        #expect(data?.message == "The specified DiskDeviceMapping.2.DiskImageSize should be in the specified range.")
        let legacy = ImportImageValidator(diskSizeLimits: .legacy)
        #expect(Self.first({ $0.diskDeviceMappings[0].diskImageSize = 4 }, legacy)?.code == "InvalidImageSize")
        #expect(Self.first({ $0.diskDeviceMappings[0].diskImageSize = 501 }, legacy)?.code == "InvalidImageSize")
        #expect(Self.first(disk2(1000), legacy) == nil)
        #expect(Self.first(disk2(1001), legacy)?.code == "InvalidDataDiskSize")
        #expect(Self.first(disk2(2000), ImportImageValidator(diskSizeLimits: .intermediate)) == nil)
        // Against the inspected virtual size: 40 GiB exactly fits, one byte more does not.
        #expect(Self.first({ _ in }, virtualSizes: [1: 40 << 30]) == nil)
        let small = Self.first({ _ in }, virtualSizes: [1: (40 << 30) + 1])
        #expect(small?.rule == .diskSmallerThanImage && small?.code == "InvalidImageSize")
        #expect(ImportImageDiskSizeLimits.minimumGiB(forVirtualSize: 1_073_995_776) == 2)
    }

    @Test func devices() {
        #expect(Self.first { $0.diskDeviceMappings[0].device = "/dev/xvda" } == nil)
        let bad = Self.first { $0.diskDeviceMappings[0].device = "sda" }
        #expect(bad?.code == "InvalidParameter.Malformed" && bad?.httpStatus == 403)
    }

    @Test func tags() {
        #expect(Self.first { $0.tags = (1...20).map { .init(key: "k\($0)") } } == nil)
        let many = Self.first { $0.tags = (1...21).map { .init(key: "k\($0)") } }
        #expect(many?.code == "NumberExceed.Tags")
        #expect(Self.first { $0.tags[0].key = "" }?.rule == .tagKeyEmpty)
        #expect(Self.first { $0.tags[0].key = String(repeating: "k", count: 129) }?.rule == .tagKeyLength)
        let reserved = Self.first { $0.tags[0].key = "aliyun:owner" }
        #expect(reserved?.code == "InvalidTagKey.Malformed" && reserved?.parameter == "Tag.1.Key")
        #expect(Self.first { $0.tags[0].key = "acs:x" }?.rule == .tagKeyReservedPrefix)
        #expect(Self.first { $0.tags[0].key = "see http://x" }?.rule == .tagKeyURL)
        let duplicate = Self.first { $0.tags.append(.init(key: "env", value: "prod")) }
        #expect(duplicate?.code == "Duplicate.TagKey" && duplicate?.parameter == "Tag.2.Key")
        #expect(Self.first { $0.tags[0].value = "" } == nil)
        #expect(Self.first { $0.tags[0].value = "aliyun-ok" } == nil)
        #expect(Self.first { $0.tags[0].value = "acs:no" }?.code == "InvalidTagValue.Malformed")
        #expect(Self.first { $0.tags[0].value = String(repeating: "v", count: 129) }?.rule == .tagValueLength)
        #expect(Self.first { $0.tags[0].value = "https://x" }?.rule == .tagValueURL)
    }

    @Test func tokensAndRoles() {
        #expect(Self.first { $0.clientToken = String(repeating: "t", count: 65) }?.rule == .clientTokenMalformed)
        #expect(Self.first { $0.clientToken = "tökén" }?.rule == .clientTokenMalformed)
        #expect(Self.first { $0.roleName = "Bad Role" }?.rule == .roleNameMalformed)
        #expect(Self.first { $0.roleName = ImportImageVocabulary.defaultRoleName } == nil)
    }

    @Test func allViolationsAreReportedAndConvertToECSErrors() throws {
        var r = Self.vectorRequest
        r.imageName = "1"
        r.architecture = "sparc"
        r.tags[0].key = ""
        let all = ImportImageValidator().violations(of: r)
        #expect(all.map(\.rule) == [.imageNameLength, .architectureUnknown, .tagKeyEmpty])
        #expect(throws: ImportImageViolation.self) { try ImportImageValidator().validate(r) }
        let error = all[0].ecsError(requestId: "req-1")
        #expect(error.code == "InvalidImageName.Malformed" && error.httpStatus == 400 && error.requestId == "req-1")
    }
}
