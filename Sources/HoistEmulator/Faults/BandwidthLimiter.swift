import Foundation

/// Paces bytes to a rate by reserving transmission slots on a virtual timeline: each chunk
/// pushes `nextFree` forward by `bytes / rate`, and the caller sleeps until its slot. Shared by
/// all connections for a global cap, or owned by one connection for a per-connection cap.
final class BandwidthLimiter: Sendable {
    let bytesPerSecond: Int
    private let nextFree = Locked<Double>(0)

    init(bytesPerSecond: Int) { self.bytesPerSecond = max(1, bytesPerSecond) }

    func pace(bytes: Int) async throws {
        let now = ProcessInfo.processInfo.systemUptime
        let wait = nextFree.withLock { next -> Double in
            let start = max(next, now)
            next = start + Double(bytes) / Double(bytesPerSecond)
            return next - now
        }
        // Short waits are folded into later ones so tiny chunks do not each sleep.
        if wait > 0.002 {
            try await Task.sleep(nanoseconds: UInt64(wait * 1e9))
        }
    }
}
