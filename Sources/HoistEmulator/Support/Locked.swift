import Foundation

/// A value guarded by a lock. The emulator's shared state (buckets, uploads, faults, counters) is
/// touched by many connections at once but only for short, non-suspending critical sections, so a
/// plain lock is cheaper and simpler than an actor hop on every request.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    /// Runs `body` with exclusive access. `body` must not suspend or call back into this lock.
    @discardableResult
    func withLock<T, E: Error>(_ body: (inout Value) throws(E) -> T) throws(E) -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }

    var current: Value { withLock { $0 } }
}
