import Foundation

/// The parts of `hoist.toml` (the same file `HoistConfig` reads for OSS) that belong to
/// imports: the ECS endpoint and the host's default import parameters.
///
/// ```toml
/// [ecs]
/// endpoint = "https://ecs.cn-hangzhou.aliyuncs.com"   # default: the region's endpoint
///
/// [import]                                            # any manifest key
/// platform = "Ubuntu"
/// boot-mode = "UEFI"
///
/// [import.tags]
/// built-by = "hoist"
/// ```
///
/// One file configures a host, so the import defaults live beside the OSS settings instead of
/// in a second file; an image's manifest and the command line override them.
public struct ImportConfig: Sendable, Equatable {
    public var ecsEndpoint: String?
    /// The `[import]` defaults, the lowest layer of import parameters.
    public var defaults: ImportManifest

    public init(ecsEndpoint: String? = nil, defaults: ImportManifest = ImportManifest(parameters: ImportParameters())) {
        self.ecsEndpoint = ecsEndpoint
        self.defaults = defaults
    }

    /// Reads `path` (or the default path, where a missing file is an empty config, as for
    /// `HoistConfig`). Tables other than `[ecs]`, `[import]` and `[import.tags]` are left to
    /// their owners.
    public static func load(path: String?) throws(ImportError) -> ImportConfig {
        let chosen = path ?? HoistConfig.defaultPath
        guard FileManager.default.fileExists(atPath: chosen) else {
            if path == nil { return ImportConfig() }
            throw .usage("\(chosen): no such config file")
        }
        let text = try ImportManifest.readText(chosen, what: "config")
        do {
            return try parse(try TOMLDocument.parse(text), source: chosen)
        } catch let error as TOMLError {
            throw .usage("\(chosen):\(error.line): \(error.message)")
        } catch let error as ImportError {
            throw error
        } catch {
            throw .usage("\(chosen): \(error)")
        }
    }

    public static func parse(_ document: TOMLDocument, source: String) throws(ImportError) -> ImportConfig {
        if let unknown = document.unknownKeys(in: "ecs", known: ["endpoint"]).first {
            throw .usage("\(source):\(document.line(of: "ecs", unknown) ?? 0): unknown setting ecs.\(unknown); known: ecs.endpoint")
        }
        let endpoint: String?
        do {
            endpoint = try document.string("ecs", "endpoint")
        } catch {
            throw .usage("\(source):\(error.line): \(error.message)")
        }
        var tables: [String: [String: TOMLValue]] = [:]
        var lines: [String: Int] = [:]
        for table in ["import", "import.tags"] {
            guard let values = document.tables[table] else { continue }
            tables[table] = values
            for key in values.keys { lines["\(table).\(key)"] = document.line(of: table, key) }
        }
        let defaults = try ImportManifest(tables: tables, source: source, lines: lines)
        return ImportConfig(ecsEndpoint: endpoint, defaults: defaults)
    }
}
