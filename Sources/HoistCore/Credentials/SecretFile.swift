import Foundation

/// Reads a file that holds long-lived secrets (the aliyun CLI config, the credentials INI file),
/// refusing it when group or others have any access: a key another local user can read is a
/// leaked key, and saying `chmod 600` now is cheaper than rotating it later.
///
/// The OIDC token file is not read through here: Kubernetes mounts projected service-account
/// tokens 0644 by default, and that token is short-lived and bound to the pod.
enum SecretFile {
    /// The file's text, nil when it does not exist.
    static func read(_ path: String, source: String) throws(CredentialError) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw .malformed(source: source, detail: "cannot read \(path): \(String(cString: strerror(errno)))")
        }
        let mode = UInt16(info.st_mode & 0o777)
        guard mode & 0o077 == 0 else { throw .insecureFile(path: path, mode: mode) }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw .malformed(source: source, detail: "cannot read \(path) as UTF-8 text")
        }
        return text
    }
}
