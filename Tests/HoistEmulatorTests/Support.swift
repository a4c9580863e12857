import Foundation
import HoistCore
@testable import HoistEmulator

/// One HTTP exchange done by the curl CLI, so the emulator is exercised over a real socket by a
/// real client (including `Expect: 100-continue` and connection reuse behaviour).
struct CurlResult {
    var exitCode: Int32
    var status: Int
    /// Header names lower-cased; the last header block (after any `100 Continue`).
    var headers: [String: String]
    var rawHeaders: String
    var body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }

    /// The text of the first `<name>` element in the body.
    func xml(_ name: String) -> String? {
        guard let open = text.range(of: "<\(name)>"), let close = text.range(of: "</\(name)>", range: open.upperBound..<text.endIndex) else { return nil }
        return String(text[open.upperBound..<close.lowerBound])
    }

    func xmlAll(_ name: String) -> [String] {
        text.components(separatedBy: "<\(name)>").dropFirst().compactMap { $0.components(separatedBy: "</\(name)>").first }
    }
}

enum Curl {
    static func run(_ arguments: [String]) async throws -> CurlResult {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hoist-curl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let headerFile = dir.appendingPathComponent("h").path, bodyFile = dir.appendingPathComponent("b").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["-s", "-S", "--max-time", "30", "-D", headerFile, "-o", bodyFile] + arguments
        process.standardError = FileHandle.nullDevice
        let code: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        let raw = (try? String(contentsOfFile: headerFile, encoding: .utf8)) ?? ""
        let blocks = raw.components(separatedBy: "\r\n\r\n").filter { !$0.isEmpty }
        var status = 0
        var headers: [String: String] = [:]
        if let last = blocks.last {
            for (i, line) in last.components(separatedBy: "\r\n").enumerated() {
                if i == 0 { status = Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0; continue }
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        let body = (try? Data(contentsOf: URL(fileURLWithPath: bodyFile))).map { Array($0) } ?? []
        return CurlResult(exitCode: code, status: status, headers: headers, rawHeaders: raw, body: body)
    }
}

/// A started emulator plus helpers to talk OSS to it path-style.
struct Emulator {
    let server: EmulatorServer
    let bucket = "test-bucket"

    static func start(minPartSize: Int = 102_400, storage: EmulatorConfig.Storage = .temporaryDirectory,
                      faults: FaultSettings = FaultSettings(), idleTimeoutSeconds: Double? = 120) async throws -> Emulator {
        let config = EmulatorConfig(storage: storage, buckets: ["test-bucket"], minPartSize: minPartSize,
                                    authentication: false, faults: faults, eventLoopThreads: 2,
                                    idleTimeoutSeconds: idleTimeoutSeconds)
        return Emulator(server: try await EmulatorServer.start(config))
    }

    /// Runs `body` against a fresh emulator and always shuts it down.
    static func with(minPartSize: Int = 102_400, storage: EmulatorConfig.Storage = .temporaryDirectory,
                     _ body: (Emulator) async throws -> Void) async throws {
        let emulator = try await start(minPartSize: minPartSize, storage: storage)
        do { try await body(emulator) } catch { try await emulator.server.shutdown(); throw error }
        try await emulator.server.shutdown()
    }

    func url(_ key: String, _ query: String = "") -> String {
        "\(server.baseURL)/\(bucket)/\(key)" + (query.isEmpty ? "" : "?\(query)")
    }

    func curl(_ args: String...) async throws -> CurlResult { try await Curl.run(args) }

    func initiate(_ key: String) async throws -> String {
        let r = try await curl("-X", "POST", url(key, "uploads"))
        guard let id = r.xml("UploadId") else { throw TestFailure("initiate: \(r.status) \(r.text)") }
        return id
    }

    /// Uploads `bytes` as one part from a temp file; returns the response.
    func uploadPart(_ key: String, uploadId: String, number: Int, bytes: [UInt8], extra: [String] = []) async throws -> CurlResult {
        let file = try TempFile(bytes)
        defer { file.remove() }
        return try await Curl.run(["-X", "PUT", "--data-binary", "@\(file.path)", "-H", "Content-Type:"] + extra
                                  + [url(key, "partNumber=\(number)&uploadId=\(uploadId)")])
    }

    func complete(_ key: String, uploadId: String, parts: [(Int, String)], extra: [String] = []) async throws -> CurlResult {
        var xml = "<CompleteMultipartUpload>"
        for (n, etag) in parts { xml += "<Part><PartNumber>\(n)</PartNumber><ETag>\(etag)</ETag></Part>" }
        xml += "</CompleteMultipartUpload>"
        return try await Curl.run(["-X", "POST", "--data-binary", xml] + extra + [url(key, "uploadId=\(uploadId)")])
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A file holding test bytes for curl to send.
struct TempFile {
    let path: String
    init(_ bytes: [UInt8]) throws {
        path = NSTemporaryDirectory() + "hoist-emu-test-\(UUID().uuidString)"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }
    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// The deterministic "LCG pattern" of crc64.md §5, so CRCs can be checked against the vectors.
enum LCG {
    static func bytes(_ count: Int, skip: Int = 0) -> [UInt8] {
        var state: UInt32 = 0x1234_5678
        var out = [UInt8]()
        out.reserveCapacity(count)
        for i in 0..<(skip + count) {
            state = state &* 1_664_525 &+ 1_013_904_223
            if i >= skip { out.append(UInt8(state >> 24)) }
        }
        return out
    }
}

func md5Base64(_ bytes: [UInt8]) -> String {
    Data(Checksums.md5(bytes)).base64EncodedString()
}
