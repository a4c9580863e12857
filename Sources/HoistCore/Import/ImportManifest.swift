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
/// `import = false` is the agent's: the image is uploaded and verified, never imported (the
/// manifest's other keys are then not needed). `hoist upload --import` and `hoist import` are
/// told to import on their command line and ignore it.
///
/// Unknown keys are errors, so a misspelt `platfrom` is reported rather than silently ignored,
/// and every error names the file, the line and the key, because the person reading it has the
/// file open in an editor, not the parser's view of it.
public struct ImportManifest: Sendable, Equatable {
    /// A value as the TOML reader gives it.
    public typealias Value = TOMLValue

    public var parameters: ImportParameters
    /// Where the manifest came from, as messages name it.
    public var source: String
    /// The line of each key that was set (`"platform"`, tags as `"tags.team"`), so a value that
    /// parses but breaks an ImportImage rule can be traced back to its line.
    public var lines: [String: Int]
    /// `import = true|false`; nil when the manifest does not say.
    public var importEnabled: Bool?

    public static let keys: Set<String> = [
        "import", "image-name", "description", "platform", "os-type", "architecture", "arch", "boot-mode", "license-type",
        "format", "disk-image-size", "resource-group-id", "detection-strategy", "nvme-support", "role-name", "region",
    ]

    public init(parameters: ImportParameters, source: String = "manifest", lines: [String: Int] = [:],
                importEnabled: Bool? = nil) {
        self.parameters = parameters
        self.source = source
        self.lines = lines
        self.importEnabled = importEnabled
    }

    /// Maps parsed tables (`""` is the top level, `"import.tags"` a nested table) to parameters.
    /// `source` names the file in messages; `lines` (as `TOMLDocument.lines` keys them) adds
    /// line numbers.
    public init(tables: [String: [String: Value]], source: String, lines: [String: Int] = [:]) throws(ImportError) {
        var values: [String: (value: Value, line: Int?)] = [:]
        for (key, value) in tables[""] ?? [:] { values[key] = (value, lines[".\(key)"]) }
        for (key, value) in tables["import"] ?? [:] { values[key] = (value, lines["import.\(key)"]) }
        var tagTable: [String: (value: Value, line: Int?)] = [:]
        for (key, value) in tables["tags"] ?? [:] { tagTable[key] = (value, lines["tags.\(key)"]) }
        for (key, value) in tables["import.tags"] ?? [:] { tagTable[key] = (value, lines["import.tags.\(key)"]) }

        func at(_ line: Int?) -> String { line.map { "\(source):\($0)" } ?? source }
        let knownTables: Set<String> = ["", "import", "tags", "import.tags"]
        if let stray = tables.keys.filter({ !knownTables.contains($0) }).sorted().first {
            throw .usage("\(at(lines[stray])): unknown table [\(stray)]; a manifest has import keys, [import] and [tags]")
        }
        if let unknown = values.keys.filter({ !Self.keys.contains($0) }).sorted().first {
            throw .usage("\(at(values[unknown]?.line)): unknown key \(unknown); known keys: "
                         + Self.keys.sorted().joined(separator: ", "))
        }
        func bad(_ key: String, _ expected: String) -> ImportError {
            let found = values[key].map { ", not \($0.value.kind)" } ?? ""
            return .usage("\(at(values[key]?.line)): \(key) must be \(expected)\(found)")
        }
        func string(_ key: String) throws(ImportError) -> String? {
            guard let entry = values[key] else { return nil }
            guard case .string(let text) = entry.value else { throw bad(key, "a quoted string") }
            return text
        }
        var importEnabled: Bool?
        switch values["import"]?.value {
        case nil: break
        case .boolean(let on)?: importEnabled = on
        default: throw bad("import", "true or false (import = false uploads without importing)")
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
        switch values["disk-image-size"]?.value {
        case nil: break
        case .integer(let n)?: p.diskImageSizeGiB = Int(clamping: n)
        default: throw bad("disk-image-size", "a whole number of GiB (disk-image-size = 40)")
        }
        switch values["nvme-support"]?.value {
        case nil: break
        case .boolean(let on)?: p.nvmeSupport = on ? "supported" : "unsupported"
        case .string(let text)?: p.nvmeSupport = text
        default: throw bad("nvme-support", "true, false, \"supported\" or \"unsupported\"")
        }
        var keyLines: [String: Int] = [:]
        for (key, entry) in values { keyLines[key == "arch" ? "architecture" : key] = entry.line }
        // A TOML table has no order; sorting keeps Tag.N stable between runs (and so the
        // parameters stored with a ClientToken).
        for key in tagTable.keys.sorted() {
            guard let entry = tagTable[key], case .string(let text) = entry.value else {
                throw .usage("\(at(tagTable[key]?.line)): tag \(key) must be a quoted string, not \(tagTable[key]?.value.kind ?? "?")")
            }
            p.tags.append(ImportImageRequest.Tag(key: key, value: text))
            keyLines["tags.\(key)"] = entry.line
        }
        self.init(parameters: p, source: source, lines: keyLines, importEnabled: importEnabled)
    }

    /// Maps a parsed manifest document.
    public init(document: TOMLDocument, source: String) throws(ImportError) {
        try self.init(tables: document.tables, source: source, lines: document.lines)
    }

    /// Reads and maps a manifest file; a syntax error names the file and its line.
    public static func load(path: String) throws(ImportError) -> ImportManifest {
        let text = try readText(path, what: "manifest")
        do {
            return try ImportManifest(document: try TOMLDocument.parse(text), source: path)
        } catch let error as TOMLError {
            throw .usage("\(path):\(error.line): \(error.message)")
        } catch let error as ImportError {
            throw error
        } catch {
            throw .usage("\(path): \(error)")
        }
    }

    static func readText(_ path: String, what: String) throws(ImportError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .usage("cannot read the \(what) \(path): " + (FileManager.default.fileExists(atPath: path)
                ? "permission denied" : "no such file"))
        }
        guard let text = String(data: data, encoding: .utf8) else { throw .usage("\(path): the \(what) is not UTF-8 text") }
        return text
    }
}
