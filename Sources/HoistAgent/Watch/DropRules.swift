/// What a name in a watch folder is, before anything is opened: the rules a build job relies on
/// when it writes an image into the folder.
///
/// A writer that cannot rename atomically names the file it is still writing with a temporary
/// suffix (`disk.qcow2.part`) or as a hidden file, and the agent must never take such a file.
/// The agent's own outputs (`NAME.result.json`, `NAME.error`) and manifests (`NAME.toml`,
/// `_defaults.toml`) are never images either.
public enum DropRules {
    /// How the agent treats one directory entry.
    public enum Kind: Sendable, Equatable {
        /// An image to upload once it has settled.
        case image
        /// `NAME.toml`: the import parameters of the image `NAME`.
        case manifest(imageName: String)
        /// `_defaults.toml`: the folder's default import parameters.
        case folderDefaults
        /// Not for the agent: hidden, still being written, or one of the agent's own outputs.
        case ignored(reason: String)
    }

    /// Suffixes of files still being written by common tools (curl, rsync, browsers, editors).
    public static let inProgressSuffixes = [".part", ".partial", ".tmp", ".crdownload"]
    /// Suffixes of files the agent writes itself.
    public static let outputSuffixes = [".result.json", ".error"]
    /// The folder-wide manifest's name.
    public static let folderDefaultsName = "_defaults.toml"

    public static func classify(_ name: String) -> Kind {
        if name.isEmpty || name == "." || name == ".." { return .ignored(reason: "not a file name") }
        if name.hasPrefix(".") { return .ignored(reason: "hidden") }
        let lower = name.lowercased()
        if let suffix = inProgressSuffixes.first(where: { lower.hasSuffix($0) }) {
            return .ignored(reason: "still being written (\(suffix))")
        }
        if outputSuffixes.contains(where: { lower.hasSuffix($0) }) { return .ignored(reason: "written by the agent") }
        if name == folderDefaultsName { return .folderDefaults }
        if lower.hasSuffix(".toml") { return .manifest(imageName: String(name.dropLast(".toml".count))) }
        return .image
    }
}
