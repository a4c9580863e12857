import Crypto
import Foundation
import NIOHTTP1

/// Receiving a body (UploadPart, PutObject): stream it through an `IngestSink`, then check what
/// the client claimed about it.
extension OSSService {
    /// Reads the whole body into storage. The `Content-MD5` and `x-oss-hash-crc64ecma` headers
    /// were already parsed from the head (so bad values are rejected before any byte is read);
    /// mismatches found at the end give `InvalidDigest` / `InvalidCRC64` and the bytes are dropped.
    func ingest(_ ctx: OSSRequestContext, expectedMD5: [UInt8]?, expectedCRC: UInt64?,
                uploadId: String?, partNumber: Int?) async throws -> IngestResult {
        let sink = try await blobs.makeSink(uploadId: uploadId, partNumber: partNumber, wantMD5: expectedMD5 != nil)
        let result: IngestResult
        do {
            while let chunk = try await ctx.body.next() { try await sink.consume(chunk) }
            result = try await sink.finish()
        } catch {
            await sink.abandon()
            throw error
        }
        if let uploadId, let partNumber {
            let ok = (expectedMD5 == nil || result.md5 == expectedMD5) && (expectedCRC == nil || result.crc == expectedCRC)
            counters.recordPart(PartReceipt(uploadId: uploadId, partNumber: partNumber, size: result.size, status: ok ? 200 : 400))
        }
        if let expectedMD5, result.md5 != expectedMD5 {
            await blobs.removeFile(result.path)
            throw OSSErrorReply.invalidDigest
        }
        if let expectedCRC, result.crc != expectedCRC {
            await blobs.removeFile(result.path)
            throw OSSErrorReply.invalidCRC64
        }
        return result
    }

    /// The ETag of a body: its upper-case hex MD5. In discard mode without MD5 it is the CRC and
    /// size in hex instead (same shape, still unique per content), documented in `EmulatorConfig`.
    static func etag(_ result: IngestResult) -> String {
        if let md5 = result.md5 { return Checksums.hex(md5) }
        return String(format: "%016llX%016llX", result.crc, UInt64(result.size))
    }

    /// Response headers common to PutObject and UploadPart.
    static func uploadHeaders(etag: String, result: IngestResult) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.add(name: "ETag", value: "\"\(etag)\"")
        headers.add(name: "x-oss-hash-crc64ecma", value: String(result.crc))
        if let md5 = result.md5 { headers.add(name: "Content-MD5", value: Data(md5).base64EncodedString()) }
        return headers
    }
}

enum Checksums {
    static func md5(_ bytes: [UInt8]) -> [UInt8] { Array(Insecure.MD5.hash(data: bytes)) }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses upper- or lower-case hex; nil when malformed.
    static func bytes(hex: String) -> [UInt8]? {
        let chars = Array(hex.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        var i = 0
        while i < chars.count {
            guard let v = UInt8(String(decoding: chars[i...i + 1], as: UTF8.self), radix: 16) else { return nil }
            out.append(v)
            i += 2
        }
        return out
    }
}
