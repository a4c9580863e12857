import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The few POSIX socket calls the delay line makes, each failing with the call's name and errno.
enum Socket {
    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ call: String, _ code: Int32 = errno) { description = "\(call): \(String(cString: strerror(code)))" }
    }

    static func ipv4(_ host: String, _ port: UInt16) throws -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { throw Failure("inet_pton \(host)", EINVAL) }
        return address
    }

    /// A TCP socket with small kernel buffers. Set before listen/connect, so the window scale
    /// the handshake announces matches them.
    static func stream(buffer: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure("socket") }
        var size = Int32(buffer)
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        return fd
    }

    static func listen(_ host: String, _ port: UInt16, buffer: Int) throws -> Int32 {
        let fd = try stream(buffer: buffer)
        var address = try ipv4(host, port)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw Failure("bind \(host):\(port)") }
        guard Glibc.listen(fd, 128) == 0 else { throw Failure("listen") }
        return fd
    }

    static func connect(_ host: String, _ port: UInt16, buffer: Int) throws -> Int32 {
        let fd = try stream(buffer: buffer)
        var address = try ipv4(host, port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            let code = errno
            close(fd)
            throw Failure("connect \(host):\(port)", code)
        }
        return fd
    }

    /// Accepted sockets inherit the listener's buffer sizes and options.
    static func accept(_ listener: Int32) throws -> Int32 {
        while true {
            let fd = Glibc.accept(listener, nil, nil)
            if fd >= 0 {
                var one: Int32 = 1
                setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                return fd
            }
            if errno == EINTR || errno == ECONNABORTED { continue }
            throw Failure("accept")
        }
    }

    /// Reads up to `count` bytes; 0 at end of stream or on any error (a reset ends the stream too).
    static func readSome(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
        while true {
            let n = recv(fd, buffer, count, 0)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            return 0
        }
    }

    /// Writes all `count` bytes; false when the peer is gone.
    static func writeAll(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Bool {
        var done = 0
        while done < count {
            let n = send(fd, buffer + done, count - done, Int32(MSG_NOSIGNAL))
            if n > 0 { done += n; continue }
            if n < 0 && errno == EINTR { continue }
            return false
        }
        return true
    }
}
