import HoistCore
import Foundation

/// Remembers signature nonces for a window so a replayed request is refused with
/// `SignatureNonceUsed`. Shared by every connection of a server, hence the lock.
public final class ECSNonceCache: @unchecked Sendable {
    private let lock = NSLock()
    private var seen: [String: Double] = [:]
    private var lastPrune: Double = 0
    /// Seconds a nonce stays remembered; ECS documents about 15 minutes.
    public let window: Double

    public init(window: Double = 900) {
        self.window = window
    }

    /// Records `nonce` for `accessKeyId` at time `now` (seconds since 1970). Returns false when it
    /// was already used within the window.
    public func claim(_ nonce: String, accessKeyId: String, now: Double) -> Bool {
        let key = accessKeyId + "\u{0}" + nonce
        lock.lock()
        defer { lock.unlock() }
        if now - lastPrune > window / 4 {
            seen = seen.filter { now - $0.value < window }
            lastPrune = now
        }
        if let at = seen[key], now - at < window { return false }
        seen[key] = now
        return true
    }

    public var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return seen.count
    }
}
