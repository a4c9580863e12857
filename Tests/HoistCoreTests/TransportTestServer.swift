import Foundation
@testable import HoistCore

/// Runs `Support/http_test_server.py` on loopback for one test. `stop()` kills it; the script
/// also exits by itself when its stdin closes, so a crashed test run leaves nothing behind.
final class TransportTestServer: @unchecked Sendable {
    let port: Int
    /// A port that was free a moment ago: connecting to it is refused.
    let closedPort: Int
    private let process = Process()
    private let stdinPipe = Pipe()

    init() throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Support/http_test_server.py")
        let stdout = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-u", script.path]
        process.standardInput = stdinPipe
        process.standardOutput = stdout
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let words = String(decoding: line, as: UTF8.self).split(whereSeparator: \.isWhitespace)
        guard words.count == 4, let port = Int(words[1]), let closed = Int(words[3]) else {
            kill(process.processIdentifier, SIGKILL)
            throw ServerError.noPort(String(decoding: line, as: UTF8.self))
        }
        self.port = port
        self.closedPort = closed
    }

    deinit { stop() }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? stdinPipe.fileHandleForWriting.close()
    }

    enum ServerError: Error { case noPort(String) }
}

/// A temporary file with a known byte pattern, opened read-only.
final class TransportTestFile {
    let path: String
    let bytes: [UInt8]
    let fd: Int32

    init(size: Int) throws {
        bytes = LCGPattern.bytes(size)
        path = NSTemporaryDirectory() + "hoist-transport-\(UUID().uuidString)"
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw CocoaError(.fileWriteUnknown)
        }
        fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw CocoaError(.fileReadUnknown) }
    }

    deinit {
        close(fd)
        unlink(path)
    }
}

/// zlib's CRC-32, to compare with the server's X-Received-CRC32 independently of CRC-64.
enum TransportTestCRC32 {
    static let table: [UInt32] = (0..<256).map { i in
        var c = UInt32(i)
        for _ in 0..<8 { c = (c & 1) != 0 ? (c >> 1) ^ 0xEDB8_8320 : c >> 1 }
        return c
    }

    static func checksum<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes { c = table[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return ~c
    }
}
