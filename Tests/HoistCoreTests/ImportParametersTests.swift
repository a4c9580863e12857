import Testing
@testable import HoistCore

@Suite struct ImportParametersTests {
    @Test func flagsOverrideTheManifestValueByValue() {
        let manifest = ImportParameters(imageName: "from-manifest", description: "kept", platform: "Ubuntu",
                                        diskImageSizeGiB: 20, region: "cn-shanghai")
        let flags = ImportParameters(imageName: "from-flags", diskImageSizeGiB: 40)
        let merged = manifest.overlaid(with: flags)
        #expect(merged.imageName == "from-flags")
        #expect(merged.diskImageSizeGiB == 40)
        #expect(merged.description == "kept" && merged.platform == "Ubuntu" && merged.region == "cn-shanghai")
    }

    @Test func tagsMergeByKeyKeepingOrder() {
        let manifest = ImportParameters(tags: [.init(key: "team", value: "web"), .init(key: "env", value: "test")])
        let flags = ImportParameters(tags: [.init(key: "env", value: "prod"), .init(key: "owner", value: "ops")])
        #expect(manifest.overlaid(with: flags).tags == [
            .init(key: "team", value: "web"), .init(key: "env", value: "prod"), .init(key: "owner", value: "ops"),
        ])
    }

    @Test func tagFlagsSplitAtTheFirstEqualsSign() {
        #expect(ImportParameters.tag("k=v") == .init(key: "k", value: "v"))
        #expect(ImportParameters.tag("url=a=b") == .init(key: "url", value: "a=b"))
        #expect(ImportParameters.tag("flag") == .init(key: "flag", value: ""))
        #expect(ImportParameters.tag("empty=") == .init(key: "empty", value: ""))
    }

    @Test func objectURLs() throws {
        #expect(try ObjectLocation(parsingObject: "oss://images/a/b.qcow2") == ObjectLocation(bucket: "images", key: "a/b.qcow2"))
        for bad in ["images/a", "oss://images", "oss://images/", "oss://Images/a", "oss://ab/a", "s3://images/a",
                    "oss://-images/a", "oss://images//a"] {
            #expect(throws: ObjectLocationError.self, "\(bad)") { try ObjectLocation(parsingObject: bad) }
        }
        #expect(ObjectLocation(bucket: "b-1", key: "k").description == "oss://b-1/k")
    }

    @Test func manifestKeysMapToParameters() throws {
        let manifest = try ImportManifest(tables: [
            "": ["image-name": .string("ubuntu-24.04-web_v3"), "platform": .string("Ubuntu"),
                 "arch": .string("arm64"), "boot-mode": .string("UEFI"), "disk-image-size": .integer(40),
                 "nvme-support": .boolean(true), "region": .string("cn-hangzhou")],
            "tags": ["team": .string("web"), "env": .string("prod")],
        ], source: "disk.qcow2.toml")
        let p = manifest.parameters
        #expect(p.imageName == "ubuntu-24.04-web_v3" && p.platform == "Ubuntu" && p.architecture == "arm64")
        #expect(p.bootMode == "UEFI" && p.diskImageSizeGiB == 40 && p.nvmeSupport == "supported")
        #expect(p.region == "cn-hangzhou")
        #expect(p.tags == [.init(key: "env", value: "prod"), .init(key: "team", value: "web")], "sorted: Tag.N is stable")
    }

    @Test func manifestMayNestUnderAnImportTable() throws {
        let manifest = try ImportManifest(tables: [
            "import": ["image-name": .string("a-name"), "license-type": .string("BYOL")],
            "import.tags": ["k": .string("v")],
        ], source: "_defaults.toml")
        #expect(manifest.parameters.imageName == "a-name" && manifest.parameters.licenseType == "BYOL")
        #expect(manifest.parameters.tags == [.init(key: "k", value: "v")])
    }

    @Test func manifestMistakesAreNamed() {
        #expect(throws: ImportError.self) { try ImportManifest(tables: ["": ["platfrom": .string("Ubuntu")]], source: "m.toml") }
        #expect(throws: ImportError.self) { try ImportManifest(tables: ["": ["disk-image-size": .string("40")]], source: "m.toml") }
        #expect(throws: ImportError.self) { try ImportManifest(tables: ["": ["image-name": .integer(1)]], source: "m.toml") }
        #expect(throws: ImportError.self) { try ImportManifest(tables: ["disks": [:]], source: "m.toml") }
        do {
            _ = try ImportManifest(tables: ["": ["platfrom": .string("Ubuntu")]], source: "m.toml")
        } catch {
            #expect(error.description.contains("m.toml") && error.description.contains("platfrom"))
        }
    }

    @Test func storedParametersRoundTripWithoutTheToken() throws {
        var request = ImportImageRequest(
            regionId: "cn-hangzhou", imageName: "ubuntu-22.04-custom_v1", description: "a*b ~c (v1)",
            architecture: "x86_64", platform: "Ubuntu", bootMode: "UEFI",
            diskDeviceMappings: [.init(ossBucket: "examplebucket", ossObject: "images/u.qcow2", format: "QCOW2", diskImageSize: 40)],
            tags: [.init(key: "env", value: "test")], nvmeSupport: "supported", clientToken: "hoist-old")
        let json = ImportRequestCoding.json(request)
        #expect(!json.contains("hoist-old"), "the token is the record's key, not a stored parameter")
        let record = ImportRecord(clientToken: "hoist-new", jobId: "j-1", region: "cn-hangzhou",
                                  imageName: "ubuntu-22.04-custom_v1", state: "Submitting", parametersJSON: json)
        let decoded = try ImportRequestCoding.request(from: record)
        request.clientToken = "hoist-new"
        #expect(decoded == request)
    }

    @Test func clientTokensAreUniqueASCIIAndShortEnough() {
        let tokens = (0..<100).map { _ in ImportClientToken.generate() }
        #expect(Set(tokens).count == 100)
        for token in tokens {
            #expect(token.hasPrefix("hoist-") && token.utf8.count <= 64 && token.unicodeScalars.allSatisfy(\.isASCII))
        }
    }

    @Test func attemptStatesReadECSStatusesAndUnknownValues() {
        #expect(ImportAttemptState(stored: "Submitting") == .submitting)
        #expect(ImportAttemptState(stored: "CreateFailed") == .failed)
        #expect(ImportAttemptState(stored: "UnAvailable") == .failed)
        #expect(ImportAttemptState(stored: "Waiting") == .waiting)
        #expect(ImportAttemptState(stored: "SomethingNew") == .creating, "unknown keeps the attempt alive")
        #expect(!ImportAttemptState.submitting.isFinal && ImportAttemptState.cancelled.isFinal)
    }
}
