import Foundation
import Testing
@testable import HoistCore

/// Manifest files and the config's `[import]` defaults: parsing, layering, and errors that
/// name the file, the line and the key.
@Suite struct ImportManifestTests {
    /// Writes `text` to a fresh file and returns its path.
    func file(_ text: String, name: String = "disk.qcow2.toml") throws -> String {
        let directory = NSTemporaryDirectory() + "hoist-manifest-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func aManifestFileLoadsWithTagsAndLines() throws {
        let path = try file("""
            # built by CI
            image-name = "ubuntu-24.04-web_v3"
            platform = "Ubuntu"
            arch = "x86_64"
            disk-image-size = 40
            nvme-support = true

            [tags]
            team = "web"
            "cost center" = 'r&d'
            """)
        let manifest = try ImportManifest.load(path: path)
        let p = manifest.parameters
        #expect(p.imageName == "ubuntu-24.04-web_v3" && p.platform == "Ubuntu" && p.architecture == "x86_64")
        #expect(p.diskImageSizeGiB == 40 && p.nvmeSupport == "supported")
        #expect(p.tags == [.init(key: "cost center", value: "r&d"), .init(key: "team", value: "web")])
        #expect(manifest.lines["platform"] == 3 && manifest.lines["architecture"] == 4 && manifest.lines["tags.team"] == 9)
        #expect(manifest.source == path)
    }

    @Test func theImportTableFormIsAcceptedToo() throws {
        let path = try file("""
            [import]
            image-name = "a-name"
            license-type = "BYOL"
            [import.tags]
            k = "v"
            """)
        let p = try ImportManifest.load(path: path).parameters
        #expect(p.imageName == "a-name" && p.licenseType == "BYOL" && p.tags == [.init(key: "k", value: "v")])
    }

    @Test(arguments: [
        ("image-name = \"x\"\nplatfrom = \"Ubuntu\"\n", ":2: unknown key platfrom"),
        ("image-name = \"x\"\n\ndisk-image-size = \"40\"\n", ":3: disk-image-size must be a whole number of GiB"),
        ("image-name = 7\n", ":1: image-name must be a quoted string, not an integer"),
        ("image-name = \"x\"\n[disks]\nsize = 1\n", ":2: unknown table [disks]"),
        ("image-name = \"x\"\n[tags]\nteam = 1\n", ":3: tag team must be a quoted string"),
        ("image-name = \"x\n", ":1: unterminated string"),
        ("disk-image-size = 4.5\n", ":1: unsupported value 4.5"),
    ])
    func mistakesNameTheFileLineAndKey(text: String, expected: String) throws {
        let path = try file(text)
        do {
            _ = try ImportManifest.load(path: path)
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.description.hasPrefix(path + expected), "\(error.description)")
            #expect(error.isLocal)
        }
    }

    @Test func aMissingManifestIsNamed() {
        do {
            _ = try ImportManifest.load(path: "/nonexistent/disk.toml")
            Issue.record("accepted a missing file")
        } catch {
            #expect(error.description.contains("/nonexistent/disk.toml") && error.description.contains("no such file"))
        }
    }

    @Test func configDefaultsManifestAndFlagsLayerInThatOrder() throws {
        let config = try ImportConfig.parse(try TOMLDocument.parse("""
            [oss]
            region = "cn-hangzhou"
            [ecs]
            endpoint = "http://127.0.0.1:9000"
            [import]
            platform = "CentOS"
            boot-mode = "BIOS"
            [import.tags]
            built-by = "hoist"
            team = "infra"
            """), source: "hoist.toml")
        #expect(config.ecsEndpoint == "http://127.0.0.1:9000")
        let manifest = try ImportManifest(document: try TOMLDocument.parse("""
            image-name = "from-manifest"
            platform = "Ubuntu"
            [tags]
            team = "web"
            """), source: "m.toml")
        var layers = ImportParameterLayers()
        layers.add(config.defaults)
        layers.add(manifest)
        layers.add(flags: ImportParameters(imageName: "from-flags"))
        let p = layers.merged
        #expect(p.imageName == "from-flags" && p.platform == "Ubuntu" && p.bootMode == "BIOS")
        #expect(p.tags == [.init(key: "built-by", value: "hoist"), .init(key: "team", value: "web")])
    }

    @Test func aRuleBrokenByAManifestValuePointsAtItsLine() throws {
        let manifest = try ImportManifest(document: try TOMLDocument.parse("""
            image-name = "web-v1"

            platform = "Ubantu"
            """), source: "m.toml")
        var layers = ImportParameterLayers()
        layers.add(manifest)
        layers.add(flags: ImportParameters(region: "cn-hangzhou"))
        let object = ObjectLocation(bucket: "images", key: "disk.qcow2")
        do {
            _ = try ImportPreflight().prepare(layers.merged, object: object)
            Issue.record("accepted a bad platform")
        } catch {
            let located = layers.locating(error)
            #expect(located.description.hasPrefix("m.toml:3 (platform): Platform:"), "\(located.description)")
            #expect(located.description.contains("platformUnknown") && located.isLocal)
        }
        // The same value given as a flag is the flag's fault, not the manifest's.
        layers.add(flags: ImportParameters(platform: "Ubantu"))
        do {
            _ = try ImportPreflight().prepare(layers.merged, object: object)
        } catch {
            #expect(layers.locating(error) == error)
        }
    }

    @Test func unknownECSSettingsAreRefused() {
        #expect(throws: ImportError.self) {
            try ImportConfig.parse(try TOMLDocument.parse("[ecs]\nendpiont = \"x\"\n"), source: "hoist.toml")
        }
    }
}
