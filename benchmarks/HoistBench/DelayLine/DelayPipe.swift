import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One direction of one relayed connection, modelled as a WAN path.
///
/// The model, per direction:
/// - every byte read from `source` at time t is written to `destination` no earlier than
///   t + rtt/2 (the one-way delay), in order;
/// - a byte read at t counts as acknowledged at t + rtt (the ACK's way back), and the reader
///   stops reading while `window` bytes are unacknowledged, as a TCP sender stops when its
///   window is full. So one connection moves at most window/rtt, like one TCP stream;
/// - bytes not yet written out also count against the window, so a slow receiver pushes back
///   on the sender instead of growing the queue without bound;
/// - reading starts at `startAt`: the connection's first bytes wait one extra rtt, the cost of
///   the TCP handshake on a real path.
///
/// Two threads: the reader (window and clock) and the writer (delay and order). The queue and
/// the acknowledgement list are shared under `condition`; a chunk at the queue's head is only
/// ever removed by the writer, so the writer sends it without holding the lock.
final class DelayPipe: @unchecked Sendable {
    private struct Chunk {
        let bytes: UnsafeMutableRawPointer
        let count: Int
        let due: Double
    }

    private let source: Int32
    private let destination: Int32
    private let rtt: Double
    private let window: Int
    private let startAt: Double
    private let condition = NSCondition()
    private var queue: [Chunk] = []
    private var queueHead = 0
    private var queuedBytes = 0
    private var acks: [(at: Double, count: Int)] = []
    private var acksHead = 0
    private var unacknowledged = 0
    private var ended = false
    /// Called once by each thread as it finishes (the connection closes its sockets after four).
    private let finished: @Sendable () -> Void
    /// Called when either end fails, so the connection can tear both directions down.
    private let broken: @Sendable () -> Void

    /// The most one read takes; the rest stays in the kernel's (small) buffer until there is room.
    static let readLimit = 256 << 10

    init(from source: Int32, to destination: Int32, rtt: Double, window: Int, startAt: Double,
         finished: @escaping @Sendable () -> Void, broken: @escaping @Sendable () -> Void) {
        self.source = source
        self.destination = destination
        self.rtt = rtt
        self.window = window
        self.startAt = startAt
        self.finished = finished
        self.broken = broken
    }

    func start() {
        Thread.detachNewThread { [self] in readLoop(); finished() }
        Thread.detachNewThread { [self] in writeLoop(); finished() }
    }

    private func readLoop() {
        sleep(until: startAt)
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: Self.readLimit, alignment: 16)
        defer { scratch.deallocate() }
        while true {
            let room = waitForRoom()
            let count = Socket.readSome(source, scratch, min(room, Self.readLimit))
            let readAt = now()
            guard count > 0 else { break }
            let bytes = UnsafeMutableRawPointer.allocate(byteCount: count, alignment: 16)
            bytes.copyMemory(from: scratch, byteCount: count)
            condition.lock()
            queue.append(Chunk(bytes: bytes, count: count, due: readAt + rtt / 2))
            queuedBytes += count
            acks.append((readAt + rtt, count))
            unacknowledged += count
            condition.signal()
            condition.unlock()
        }
        condition.lock()
        ended = true
        condition.signal()
        condition.unlock()
    }

    /// Blocks until fewer than `window` bytes are in flight; returns how many more may be read.
    private func waitForRoom() -> Int {
        condition.lock()
        defer { condition.unlock() }
        while true {
            let time = now()
            while acksHead < acks.count, acks[acksHead].at <= time {
                unacknowledged -= acks[acksHead].count
                acksHead += 1
            }
            if acksHead > 4096 { acks.removeFirst(acksHead); acksHead = 0 }
            let inFlight = max(unacknowledged, queuedBytes)
            if inFlight < window { return window - inFlight }
            // Full: wake at the next acknowledgement, or when the writer drains the queue.
            let next = acksHead < acks.count ? acks[acksHead].at : time + rtt
            _ = condition.wait(until: Date(timeIntervalSinceNow: max(next - time, 0.0001)))
        }
    }

    private func writeLoop() {
        while let chunk = nextChunk() {
            sleep(until: chunk.due)
            let sent = Socket.writeAll(destination, chunk.bytes, chunk.count)
            condition.lock()
            queueHead += 1
            queuedBytes -= chunk.count
            if queueHead > 4096 { queue.removeFirst(queueHead); queueHead = 0 }
            condition.signal()
            condition.unlock()
            chunk.bytes.deallocate()
            if !sent {
                broken()
                drain()
                return
            }
        }
        // The source ended and everything it sent is delivered: pass the end on.
        shutdown(destination, Int32(SHUT_WR))
    }

    private func nextChunk() -> Chunk? {
        condition.lock()
        defer { condition.unlock() }
        while queueHead == queue.count && !ended { condition.wait() }
        return queueHead < queue.count ? queue[queueHead] : nil
    }

    /// After the destination is gone: free what is queued until the reader has stopped too.
    private func drain() {
        while let chunk = nextChunk() {
            condition.lock()
            queueHead += 1
            queuedBytes -= chunk.count
            condition.signal()
            condition.unlock()
            chunk.bytes.deallocate()
        }
    }
}
