import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// inotify(7) on a set of directories, delivered as an `AsyncStream`.
///
/// Only the events that can complete a drop are asked for: `IN_CLOSE_WRITE` (a writer closed a
/// file it wrote) and `IN_MOVED_TO` (a file renamed into the folder, the atomic way to drop).
/// The kernel's queue is bounded; when it overflows it says so once (`IN_Q_OVERFLOW`) and
/// events are lost, so `.overflow` tells the consumer to rescan. inotify is a hint, never the
/// truth: the agent also rescans at start and periodically, and settles every file itself.
///
/// A dedicated thread blocks in `poll(2)` on the inotify descriptor and one end of a socket pair
/// used to stop it, so the cooperative thread pool never blocks and `stop()` never races a
/// `read`. The wake-up is a socket pair, not a pipe, so that it can be sent with `MSG_NOSIGNAL`:
/// a stop after the thread has gone (a second `stop()`, `deinit`) must not raise SIGPIPE.
public final class DirectoryEvents: @unchecked Sendable {
    public enum Event: Sendable, Equatable {
        /// A file named `name` in `directory` was closed after writing or moved in.
        case changed(directory: String, name: String)
        /// The kernel dropped events: rescan everything.
        case overflow
        /// A watched directory was removed or unmounted.
        case directoryGone(String)
    }

    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case cannotInitialize(errno: Int32)
        case cannotWatch(path: String, errno: Int32)

        public var description: String {
            switch self {
            case .cannotInitialize(let code):
                "cannot start inotify: \(String(cString: strerror(code)))"
                    + (code == EMFILE ? "; raise fs.inotify.max_user_instances" : "")
            case let .cannotWatch(path, code):
                "cannot watch \(path): \(String(cString: strerror(code)))"
                    + (code == ENOSPC ? "; raise fs.inotify.max_user_watches" : "")
            }
        }
    }

    public let events: AsyncStream<Event>
    private let continuation: AsyncStream<Event>.Continuation
    private let inotify: Int32
    /// Our end of the wake-up socket pair; the thread owns and closes the other end.
    private let wakeup: Int32
    private let directories: [Int32: String]
    private let thread: Thread

    /// Starts watching every directory in `paths`.
    public init(watching paths: [String]) throws(Failure) {
        let descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard descriptor >= 0 else { throw .cannotInitialize(errno: errno) }
        var watches: [Int32: String] = [:]
        let mask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)
        for path in paths {
            let watch = inotify_add_watch(descriptor, path, mask)
            guard watch >= 0 else {
                let code = errno
                close(descriptor)
                throw .cannotWatch(path: path, errno: code)
            }
            watches[watch] = path
        }
        // Sending a byte on one end of the pair makes the other readable and wakes the poll.
        var ends: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &ends) == 0 else {
            let code = errno
            close(descriptor)
            throw .cannotInitialize(errno: code)
        }
        let wake = ends[0]
        inotify = descriptor
        wakeup = ends[1]
        directories = watches
        // Bounded like the kernel queue; a consumer that falls this far behind is covered, as an
        // overflow is, by the periodic rescan.
        (events, continuation) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .bufferingNewest(4096))
        let continuation = continuation
        thread = Thread { [descriptor, wake, watches] in
            Self.pump(inotify: descriptor, wakeup: wake, directories: watches, into: continuation)
            close(descriptor)
            close(wake)
        }
        thread.name = "hoist-inotify"
        thread.start()
    }

    /// Ends the stream; the thread closes the descriptors.
    public func stop() {
        var one: UInt8 = 1
        _ = send(wakeup, &one, 1, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
    }

    deinit {
        stop()
        close(wakeup)
    }

    static func pump(inotify: Int32, wakeup: Int32, directories: [Int32: String],
                     into continuation: AsyncStream<Event>.Continuation) {
        defer { continuation.finish() }
        let size = 64 * 1024
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 8)
        defer { buffer.deallocate() }
        var fds = [pollfd(fd: inotify, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: wakeup, events: Int16(POLLIN), revents: 0)]
        while true {
            let ready = poll(&fds, 2, -1)
            if ready < 0 { if errno == EINTR { continue } else { return } }
            if fds[1].revents != 0 { return }
            guard fds[0].revents & Int16(POLLIN) != 0 else { continue }
            let count = read(inotify, buffer, size)
            if count <= 0 { if errno == EAGAIN || errno == EINTR { continue } else { return } }
            for event in parse(buffer, count: count, directories: directories) { continuation.yield(event) }
        }
    }

    /// Splits a read of `struct inotify_event` records (each followed by its NUL-padded name).
    static func parse(_ buffer: UnsafeRawPointer, count: Int, directories: [Int32: String]) -> [Event] {
        var result: [Event] = []
        var offset = 0
        let header = MemoryLayout<inotify_event>.size
        while offset + header <= count {
            let event = buffer.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
            let nameStart = buffer + offset + header
            let nameLength = Int(event.len)
            offset += header + nameLength
            if event.mask & UInt32(IN_Q_OVERFLOW) != 0 {
                result.append(.overflow)
                continue
            }
            guard let directory = directories[event.wd] else { continue }
            if event.mask & UInt32(IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED | IN_UNMOUNT) != 0 {
                result.append(.directoryGone(directory))
                continue
            }
            guard nameLength > 0 else { continue }
            let bytes = UnsafeRawBufferPointer(start: nameStart, count: nameLength)
            let name = String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
            if !name.isEmpty { result.append(.changed(directory: directory, name: name)) }
        }
        return result
    }
}
