import Foundation
import HoistCore
import Testing
@testable import HoistEmulator

@Suite("Objects, ranges, addressing and errors", .timeLimit(.minutes(2)))
struct ObjectTests {
    @Test func putHeadGetDelete() async throws {
        try await Emulator.with { emu in
            let bytes = Array("hello emulator".utf8)
            let file = try TempFile(bytes)
            defer { file.remove() }
            let put = try await emu.curl("-T", file.path, "-H", "Content-MD5: \(md5Base64(bytes))", "-H", "x-oss-meta-origin: test", emu.url("a/b.txt"))
            #expect(put.status == 200)
            #expect(put.headers["x-oss-hash-crc64ecma"] == String(CRC64.checksum(bytes)))
            let head = try await emu.curl("-I", emu.url("a/b.txt"))
            #expect(head.headers["x-oss-object-type"] == "Normal")
            #expect(head.headers["content-md5"] == md5Base64(bytes))
            #expect(head.headers["x-oss-meta-origin"] == "test")
            let forbid = try await emu.curl("-T", file.path, "-H", "x-oss-forbid-overwrite: true", emu.url("a/b.txt"))
            #expect(forbid.status == 409 && forbid.xml("Code") == "FileAlreadyExists")
            let encoded = try await emu.curl(emu.server.baseURL + "/\(emu.bucket)/a%2Fb.txt")
            #expect(encoded.text == "hello emulator")
            #expect(try await emu.curl("-X", "DELETE", emu.url("a/b.txt")).status == 204)
            let gone = try await emu.curl("-I", emu.url("a/b.txt"))
            #expect(gone.status == 404 && gone.headers["content-length"] == "0")
            let missing = try await emu.curl(emu.url("a/b.txt"))
            #expect(missing.xml("Code") == "NoSuchKey")
            #expect(missing.xml("RequestId") == missing.headers["x-oss-request-id"])
            #expect(missing.xml("HostId") != nil)
        }
    }

    @Test func rangeRequests() async throws {
        try await Emulator.with { emu in
            let bytes = Array("0123456789".utf8)
            let file = try TempFile(bytes)
            defer { file.remove() }
            _ = try await emu.curl("-T", file.path, emu.url("r"))
            let crc = String(CRC64.checksum(bytes))
            let mid = try await emu.curl("-H", "Range: bytes=2-4", emu.url("r"))
            #expect(mid.status == 206 && mid.text == "234")
            #expect(mid.headers["content-range"] == "bytes 2-4/10")
            #expect(mid.headers["x-oss-hash-crc64ecma"] == crc)
            #expect(try await emu.curl("-H", "Range: bytes=7-", emu.url("r")).text == "789")
            #expect(try await emu.curl("-H", "Range: bytes=-3", emu.url("r")).text == "789")
            #expect(try await emu.curl("-H", "Range: bytes=8-100", emu.url("r")).text == "89")
            let beyond = try await emu.curl("-H", "Range: bytes=10-12", emu.url("r"))
            #expect(beyond.status == 416 && beyond.xml("Code") == "InvalidRange")
            for malformed in ["bytes=5-2", "bytes=0-1,3-4", "bytes=abc", "items=0-1"] {
                let r = try await emu.curl("-H", "Range: \(malformed)", emu.url("r"))
                #expect(r.status == 200 && r.text == "0123456789", "\(malformed)")
                #expect(r.headers["content-range"] == nil)
            }
        }
    }

    @Test func virtualHostedAddressing() async throws {
        try await Emulator.with { emu in
            let file = try TempFile(Array("vh".utf8))
            defer { file.remove() }
            let put = try await emu.curl("-T", file.path, "-H", "Host: \(emu.bucket).oss-cn-hangzhou.aliyuncs.com", emu.server.baseURL + "/x/y")
            #expect(put.status == 200)
            #expect(try await emu.curl(emu.url("x/y")).text == "vh")
            #expect(OSSAddress.virtualHostBucket("127.0.0.1") == nil)
            #expect(OSSAddress.virtualHostBucket("localhost") == nil)
            #expect(OSSAddress.virtualHostBucket("oss-cn-hangzhou.aliyuncs.com") == nil)
            #expect(OSSAddress.virtualHostBucket("b.localhost") == "b")
        }
    }

    @Test func uploadErrors() async throws {
        try await Emulator.with { emu in
            let noBucket = try await emu.curl(emu.server.baseURL + "/nope/k")
            #expect(noBucket.status == 404 && noBucket.xml("Code") == "NoSuchBucket")
            let id = try await emu.initiate("e")
            let range = try await emu.uploadPart("e", uploadId: id, number: 10001, bytes: [1])
            #expect(range.status == 400 && range.xml("Code") == "InvalidArgument")
            let unknown = try await emu.uploadPart("e", uploadId: "NOPE", number: 1, bytes: [1])
            #expect(unknown.status == 404 && unknown.xml("Code") == "NoSuchUpload" && unknown.xml("UploadId") == "NOPE")
            let digest = try await emu.uploadPart("e", uploadId: id, number: 1, bytes: [1, 2], extra: ["-H", "Content-MD5: \(md5Base64([9]))"])
            #expect(digest.status == 400 && digest.xml("Code") == "InvalidDigest")
            let badBase64 = try await emu.uploadPart("e", uploadId: id, number: 1, bytes: [1, 2], extra: ["-H", "Content-MD5: nope"])
            #expect(badBase64.xml("Code") == "InvalidDigest")
            let crc = try await emu.uploadPart("e", uploadId: id, number: 1, bytes: [1, 2], extra: ["-H", "x-oss-hash-crc64ecma: 42"])
            #expect(crc.status == 400 && crc.xml("Code") == "InvalidCRC64")
            let goodCRC = try await emu.uploadPart("e", uploadId: id, number: 1, bytes: [1, 2],
                                                   extra: ["-H", "x-oss-hash-crc64ecma: \(CRC64.checksum([1, 2] as [UInt8]))"])
            #expect(goodCRC.status == 200)
            let list = try await emu.curl(emu.url("e", "uploadId=\(id)"))
            #expect(list.xmlAll("PartNumber") == ["1"])
        }
    }

    @Test func bucketOperations() async throws {
        try await Emulator.with { emu in
            #expect(try await emu.curl("-X", "PUT", emu.server.baseURL + "/new-bucket").status == 200)
            #expect(try await emu.curl("-X", "PUT", emu.server.baseURL + "/Bad_Name").xml("Code") == "InvalidBucketName")
            let info = try await emu.curl(emu.server.baseURL + "/new-bucket/?bucketInfo")
            #expect(info.xml("Name") == "new-bucket")
            _ = try await emu.initiate("busy")
            let busy = try await emu.curl("-X", "DELETE", emu.server.baseURL + "/\(emu.bucket)")
            #expect(busy.status == 409 && busy.xml("Code") == "BucketNotEmpty")
            #expect(try await emu.curl("-X", "DELETE", emu.server.baseURL + "/new-bucket").status == 204)
            #expect(try await emu.curl(emu.server.baseURL + "/new-bucket/?bucketInfo").xml("Code") == "NoSuchBucket")
        }
    }

    @Test func expectContinueIsAnsweredOnlyAfterTheHeadPasses() async throws {
        try await Emulator.with { emu in
            let id = try await emu.initiate("c")
            let bytes = LCG.bytes(200_000)
            let ok = try await emu.uploadPart("c", uploadId: id, number: 1, bytes: bytes, extra: ["-H", "Expect: 100-continue"])
            #expect(ok.status == 200)
            #expect(ok.rawHeaders.contains("100 Continue"))
            #expect(ok.headers["x-oss-hash-crc64ecma"] == String(CRC64.checksum(bytes)))
            // curl would send the body after its (generous) expect timeout; the body-byte count
            // below shows the answer came before that, from the head alone.
            let rejected = try await emu.uploadPart("c", uploadId: "GONE", number: 1, bytes: bytes,
                                                    extra: ["-H", "Expect: 100-continue", "--expect100-timeout", "120"])
            #expect(rejected.status == 404 && rejected.xml("Code") == "NoSuchUpload")
            #expect(!rejected.rawHeaders.contains("100 Continue"))
            #expect(rejected.headers["connection"] == "close")
            #expect(emu.server.counters.snapshot().bodyBytesByOperation["UploadPart"] == Int64(bytes.count))
        }
    }

    @Test func discardModeKeepsOnlyChecksums() async throws {
        try await Emulator.with(minPartSize: 1, storage: .discard) { emu in
            let id = try await emu.initiate("d")
            let bytes = LCG.bytes(300_000)
            let part = try await emu.uploadPart("d", uploadId: id, number: 1, bytes: bytes)
            #expect(part.headers["x-oss-hash-crc64ecma"] == String(CRC64.checksum(bytes)))
            let done = try await emu.complete("d", uploadId: id, parts: [(1, part.headers["etag"]!)])
            #expect(done.headers["x-oss-hash-crc64ecma"] == String(CRC64.checksum(bytes)))
            #expect(try await emu.curl("-I", emu.url("d")).headers["content-length"] == "300000")
            #expect(try await emu.curl(emu.url("d")).status == 501)
        }
    }
}
