import Foundation
import HoistCore

/// A temporary home directory for credential files, removed by `close()`, and the environment
/// a chain sees there: `HOME` pointing at it and the metadata service switched off, so no test
/// reads the developer's own `~/.aliyun` or waits on `100.100.100.200`.
final class CredentialHome {
    let path: String

    init() throws {
        path = URL(fileURLWithPath: NSTemporaryDirectory()).resolvingSymlinksInPath().path + "/hoist-home-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func close() { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `text` to `relative` (directories created) with `mode`, 0600 unless told otherwise.
    @discardableResult
    func write(_ relative: String, _ text: String, mode: Int = 0o600) throws -> String {
        let file = path + "/" + relative
        try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: file)
        return file
    }

    func environment(_ extra: [String: String] = [:]) -> [String: String] {
        ["HOME": path, "ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true"].merging(extra) { _, new in new }
    }

    func resolve(_ extra: [String: String] = [:]) async throws(CredentialError) -> (credentials: Credentials, source: String) {
        try await CredentialChain(environment: environment(extra)).resolve()
    }
}

/// Runs `body` with a fresh home and always removes it.
func withCredentialHome(_ body: (CredentialHome) async throws -> Void) async throws {
    let home = try CredentialHome()
    defer { home.close() }
    try await body(home)
}
