import Foundation

/// Import parameters from a manifest file: `--manifest FILE.toml`, or the agent's
/// `disk.qcow2.toml` beside an image and `_defaults.toml` in its folder.
///
/// Keys use the command-line flag names, either at the top level or under `[import]`; tags are
/// a table (`[tags]` or `[import.tags]`):
///
/// ```toml
/// image-name = "ubuntu-24.04-web_v3"
/// platform = "Ubuntu"
/// architecture = "x86_64"
/// boot-mode = "UEFI"
/// disk-image-size = 40
/// nvme-support = true
///
/// [tags]
/// team = "web"
/// ```
///
/// Unknown keys are errors, so a misspelt `platfrom` is reported rather than silently ignored.
public struct ImportManifest: Sendable, Equatable {
    /// A value as the TOML reader gives it.
    public enum Value: Sendable, Equatable {
        case string(String)
        case integer(Int64)
        case boolean(Bool)
        case strings([String])
    }

    public var parameters: ImportParameters

    public static let keys: Set<String> = [
        "image-name", "description", "platform", "os-type", "architecture", "arch", "boot-mode", "license-type",
        "format", "disk-image-size", "resource-group-id", "detection-strategy", "nvme-support", "role-name", "region",
    ]

    public init(parameters: ImportParameters) {
        self.parameters = parameters
    }

    /// Maps parsed tables (`""` is the top level, `"import.tags"` a nested table) to parameters.
    /// `source` names the file in messages.
    public init(tables: [String: [String: Value]], source: String) throws(ImportError) {
        var values = tables[""] ?? [:]
        for (key, value) in tables["import"] ?? [:] { values[key] = value }
        var tagTable = tables["tags"] ?? [:]
        for (key, value) in tables["import.tags"] ?? [:] { tagTable[key] = value }
        let knownTables: Set<String> = ["", "import", "tags", "import.tags"]
        if let stray = tables.keys.filter({ !knownTables.contains($0) }).sorted().first {
            throw .usage("\(source): unknown table [\(stray)]; a manifest has import keys, [import] and [tags]")
        }
        if let unknown = values.keys.filter({ !Self.keys.contains($0) }).sorted().first {
            throw .usage("\(source): unknown key \(unknown); known keys: \(Self.keys.sorted().joined(separator: ", "))")
        }

        func string(_ key: String) throws(ImportError) -> String? {
            guard let value = values[key] else { return nil }
            guard case .string(let text) = value else { throw .usage("\(source): \(key) must be a string") }
            return text
        }
        var p = ImportParameters()
        p.imageName = try string("image-name")
        p.description = try string("description")
        p.platform = try string("platform")
        p.osType = try string("os-type")
        p.architecture = try string("architecture")
        if p.architecture == nil { p.architecture = try string("arch") }
        p.bootMode = try string("boot-mode")
        p.licenseType = try string("license-type")
        p.format = try string("format")
        p.resourceGroupId = try string("resource-group-id")
        p.detectionStrategy = try string("detection-strategy")
        p.roleName = try string("role-name")
        p.region = try string("region")
        switch values["disk-image-size"] {
        case nil: break
        case .integer(let n)?: p.diskImageSizeGiB = Int(clamping: n)
        default: throw .usage("\(source): disk-image-size must be a whole number of GiB")
        }
        switch values["nvme-support"] {
        case nil: break
        case .boolean(let on)?: p.nvmeSupport = on ? "supported" : "unsupported"
        case .string(let text)?: p.nvmeSupport = text
        default: throw .usage("\(source): nvme-support must be true, false, \"supported\" or \"unsupported\"")
        }
        // A TOML table has no order; sorting keeps Tag.N stable between runs (and so the
        // parameters stored with a ClientToken).
        for key in tagTable.keys.sorted() {
            guard case .string(let text)? = tagTable[key] else { throw .usage("\(source): tag \(key) must be a string") }
            p.tags.append(ImportImageRequest.Tag(key: key, value: text))
        }
        self.init(parameters: p)
    }

    /// Reads and maps a manifest file.
    public static func load(path: String) throws(ImportError) -> ImportManifest {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw .usage("cannot read the manifest \(path)")
        }
        throw .usage("--manifest \(path): this build has no TOML reader yet; pass the parameters as flags")
    }
}
