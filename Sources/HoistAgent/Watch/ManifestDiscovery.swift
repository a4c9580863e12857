import Foundation

/// Where a dropped image's import parameters come from, beside the image itself: `NAME.toml`
/// (e.g. `disk.qcow2.toml`) when it exists, else the folder's `_defaults.toml`, else none (the
/// config's `[import]` table is then the only layer). The image's own manifest wins over the
/// folder's so one build can override what a folder sets for all.
public enum ManifestDiscovery {
    /// The manifest for the image at `imagePath`, or nil.
    public static func manifest(forImage imagePath: String,
                                exists: (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }) -> String? {
        let own = ownManifest(forImage: imagePath)
        if exists(own) { return own }
        let folder = (imagePath as NSString).deletingLastPathComponent
        let defaults = (folder.isEmpty ? "." : folder) + "/" + DropRules.folderDefaultsName
        return exists(defaults) ? defaults : nil
    }

    /// The image's own manifest path, `NAME.toml`, whether or not it exists. It belongs to the
    /// image: it is filed with it (`Disposition`), unlike the folder's `_defaults.toml`.
    public static func ownManifest(forImage imagePath: String) -> String {
        imagePath + ".toml"
    }
}
