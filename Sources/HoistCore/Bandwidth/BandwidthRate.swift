import Foundation

/// A cap on bytes per second, or none, as operators write it: `200MB/s`, `50 MiB/s`, `512KiB/s`,
/// `unlimited`.
///
/// The size is read by `ByteCount`, so `MB` means 2^20 bytes here exactly as it does for
/// `part-size`: one reading of units throughout Hoist. The `/s` is optional.
public enum BandwidthRate: Sendable, Equatable, CustomStringConvertible {
    case unlimited
    /// Always > 0.
    case bytesPerSecond(Int64)

    public static func parse(_ text: String) -> BandwidthRate? {
        var trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        if trimmed == "unlimited" || trimmed == "none" { return .unlimited }
        if trimmed.hasSuffix("/s") { trimmed.removeLast(2) }
        guard let bytes = ByteCount.parse(trimmed), bytes > 0 else { return nil }
        return .bytesPerSecond(bytes)
    }

    /// Bytes per second, nil when unlimited.
    public var limit: Int64? {
        if case .bytesPerSecond(let bytes) = self { return bytes }
        return nil
    }

    public var description: String {
        switch self {
        case .unlimited: "unlimited"
        case .bytesPerSecond(let bytes): "\(ByteCount.format(bytes))/s"
        }
    }

    /// What an error message says a rate should look like.
    static let expected = "a rate like \"50MB/s\" or \"unlimited\""
}
