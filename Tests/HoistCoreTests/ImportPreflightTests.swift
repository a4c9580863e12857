import Testing
@testable import HoistCore

@Suite struct ImportPreflightTests {
    let object = ObjectLocation(bucket: "images", key: "disk.qcow2")
    let preflight = ImportPreflight()

    func parameters(_ edit: (inout ImportParameters) -> Void = { _ in }) -> ImportParameters {
        var p = ImportParameters(imageName: "ubuntu-24.04-v1", platform: "Ubuntu", osType: "linux",
                                 architecture: "x86_64", bootMode: "BIOS", licenseType: "Auto", region: "cn-hangzhou")
        edit(&p)
        return p
    }

    @Test func formatAndSizeComeFromTheInspectedFile() throws {
        let samples = try ImageSamples()
        let path = try samples.qcow2(virtualSize: 10 * (1 << 30) + 1)
        let prepared = try preflight.prepare(parameters(), object: object, sourceFile: path)
        let disk = try #require(prepared.request.diskDeviceMappings.first)
        #expect(disk.format == "QCOW2")
        #expect(disk.diskImageSize == 11, "rounded up to whole GiB")
        #expect(disk.ossBucket == "images" && disk.ossObject == "disk.qcow2")
        #expect(prepared.request.clientToken == nil, "the tracker owns tokens")
        #expect(prepared.inspection?.format == .qcow2)
    }

    @Test func aDiskSizeTooSmallForTheImageFailsWithItsRule() throws {
        let samples = try ImageSamples()
        let path = try samples.qcow2(virtualSize: 40 * (1 << 30))
        #expect(throws: ImportError.self) { try preflight.prepare(parameters { $0.diskImageSizeGiB = 20 }, object: object, sourceFile: path) }
        do {
            _ = try preflight.prepare(parameters { $0.diskImageSizeGiB = 20 }, object: object, sourceFile: path)
        } catch {
            guard case .invalidParameters(let v) = error else { Issue.record("\(error)"); return }
            #expect(v.rule == .diskSmallerThanImage && v.parameter == "DiskDeviceMapping.1.DiskImageSize")
        }
    }

    @Test func anISOIsRefusedBeforeAnythingIsSent() throws {
        let samples = try ImageSamples()
        let path = try samples.iso()
        do {
            _ = try preflight.prepare(parameters(), object: object, sourceFile: path)
            Issue.record("an ISO passed")
        } catch {
            guard case .imageRefused(let e) = error else { Issue.record("\(error)"); return }
            #expect(e.reason == .iso)
            #expect(error.isLocal)
        }
        do {
            _ = try preflight.prepare(parameters { $0.format = "ISO" }, object: object)
            Issue.record("--format ISO passed")
        } catch {
            guard case .invalidParameters(let v) = error else { Issue.record("\(error)"); return }
            #expect(v.rule == .formatISO)
        }
    }

    @Test func aDeclaredFormatMustMatchTheFile() throws {
        let samples = try ImageSamples()
        let path = try samples.qcow2(virtualSize: 1 << 30)
        #expect(throws: ImportError.formatMismatch(declared: "RAW", detected: "QCOW2")) {
            try preflight.prepare(parameters { $0.format = "raw" }, object: object, sourceFile: path)
        }
        let same = try preflight.prepare(parameters { $0.format = "qcow2" }, object: object, sourceFile: path)
        #expect(same.request.diskDeviceMappings[0].format == "QCOW2")
    }

    @Test(arguments: [
        ("1starts-with-digit", ImportImageViolation.Rule.imageNameFirstCharacter),
        ("aliyun-reserved", .imageNameReservedPrefix),
        ("has space", .imageNameCharacters),
        ("x", .imageNameLength),
    ])
    func invalidNamesFailWithTheRule(name: String, rule: ImportImageViolation.Rule) {
        do {
            _ = try preflight.prepare(parameters { $0.imageName = name }, object: object)
            Issue.record("\(name) passed")
        } catch {
            guard case .invalidParameters(let v) = error else { Issue.record("\(error)"); return }
            #expect(v.rule == rule)
            #expect(error.description.contains("nothing was sent"))
        }
    }

    @Test func badEnumsAndSizesFailWithTheRule() {
        func rule(_ edit: (inout ImportParameters) -> Void) -> ImportImageViolation.Rule? {
            do { _ = try preflight.prepare(parameters(edit), object: object); return nil } catch {
                if case .invalidParameters(let v) = error { return v.rule }
                return nil
            }
        }
        #expect(rule { $0.platform = "Ubantu" } == .platformUnknown)
        #expect(rule { $0.platform = "Windows Server 2022" } == .platformOSTypeMismatch)
        #expect(rule { $0.architecture = "arm64" } == .arm64RequiresUEFI)
        #expect(rule { $0.diskImageSizeGiB = 4096 } == .systemDiskSizeRange)
        #expect(rule { $0.tags = [.init(key: "acs:x", value: "")] } == .tagKeyReservedPrefix)
        #expect(rule { $0.format = "VMDK" } == .formatPreview)
        #expect(rule { _ in } == nil)
    }

    @Test func withoutANameOneIsDerivedFromTheObjectsFileName() throws {
        let derived = try preflight.prepare(parameters { $0.imageName = nil }, object: object)
        #expect(derived.request.imageName == ImportPreflight.derivedImageName(for: object))
        #expect(ImportImageNameRules.imageName(derived.request.imageName ?? "").isEmpty)
        let cases: [(String, String)] = [
            ("builds/web server.raw", "web-server.raw"), ("disk.qcow2", "disk.qcow2"), ("2024/01.qcow2", "image-01.qcow2"),
            ("x/aliyun-base.raw", "image-aliyun-base.raw"), ("a/b", "image-b"), ("a/é+ü.raw", "image----.raw"),
            ("d/" + String(repeating: "k", count: 300), String(repeating: "k", count: 128)),
        ]
        for (key, name) in cases {
            let got = ImportPreflight.derivedImageName(for: ObjectLocation(bucket: "b", key: key))
            #expect(got == name, "\(key)")
            #expect(ImportImageNameRules.imageName(got).isEmpty, "\(key) → \(got) breaks a name rule")
        }
    }

    @Test func hoistNeedsARegion() {
        #expect(throws: ImportError.self) { try preflight.prepare(parameters { $0.region = nil }, object: object) }
        let withDefault = ImportPreflight(defaultRegion: "cn-beijing")
        #expect((try? withDefault.prepare(parameters { $0.region = nil }, object: object))?.request.regionId == "cn-beijing")
    }

    @Test func withoutAFileFormatAndSizeAreLeftToECS() throws {
        let prepared = try preflight.prepare(parameters(), object: object)
        #expect(prepared.request.diskDeviceMappings[0].format == nil)
        #expect(prepared.request.diskDeviceMappings[0].diskImageSize == nil)
        #expect(prepared.inspection == nil)
    }
}
