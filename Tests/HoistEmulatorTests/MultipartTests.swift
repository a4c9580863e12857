import Foundation
import HoistCore
import Testing
@testable import HoistEmulator

@Suite("Multipart upload over HTTP", .timeLimit(.minutes(2)))
struct MultipartTests {
    /// The multipart example of crc64.md §5: LCG(3 MiB + 5) in three parts.
    @Test func roundTripMatchesTheCRCVectors() async throws {
        try await Emulator.with { emu in
            let data = LCG.bytes(3 * 1_048_576 + 5)
            let id = try await emu.initiate("images/disk.raw")
            let slices = [data[0..<1_048_576], data[1_048_576..<2_097_152], data[2_097_152...]]
            let expectedCRCs = ["17156783102816115804", "16157241470101931220", "6317882258245015870"]
            var etags: [(Int, String)] = []
            for (i, slice) in slices.enumerated() {
                let bytes = Array(slice)
                let r = try await emu.uploadPart("images/disk.raw", uploadId: id, number: i + 1, bytes: bytes,
                                                 extra: ["-H", "Content-MD5: \(md5Base64(bytes))"])
                #expect(r.status == 200)
                #expect(r.headers["x-oss-hash-crc64ecma"] == expectedCRCs[i])
                #expect(r.headers["etag"] == "\"\(Checksums.hex(Checksums.md5(bytes)))\"")
                #expect(r.headers["content-md5"] == md5Base64(bytes))
                #expect(r.headers["x-oss-request-id"]?.count == 24)
                #expect(r.headers["server"] == "AliyunOSS")
                etags.append((i + 1, r.headers["etag"]!))
            }
            let done = try await emu.complete("images/disk.raw", uploadId: id, parts: etags)
            #expect(done.status == 200)
            #expect(done.headers["x-oss-hash-crc64ecma"] == "5757500938781851452")
            #expect(done.xml("Key") == "images/disk.raw")
            #expect(done.xml("ETag")?.hasSuffix("-3\"") == true)

            let head = try await emu.curl("-I", emu.url("images/disk.raw"))
            #expect(head.status == 200)
            #expect(head.headers["content-length"] == String(data.count))
            #expect(head.headers["x-oss-object-type"] == "Multipart")
            #expect(head.headers["x-oss-hash-crc64ecma"] == "5757500938781851452")
            #expect(head.headers["content-md5"] == nil)

            let get = try await emu.curl(emu.url("images/disk.raw"))
            #expect(get.status == 200)
            #expect(get.body == data)

            let again = try await emu.curl(emu.url("images/disk.raw", "uploadId=\(id)"))
            #expect(again.status == 404)
            #expect(again.xml("Code") == "NoSuchUpload")
        }
    }

    @Test func replacedPartsAndUnlistedPartsAreHandled() async throws {
        try await Emulator.with(minPartSize: 1) { emu in
            let id = try await emu.initiate("k")
            _ = try await emu.uploadPart("k", uploadId: id, number: 1, bytes: Array("old".utf8))
            let one = try await emu.uploadPart("k", uploadId: id, number: 1, bytes: Array("new-".utf8))
            let three = try await emu.uploadPart("k", uploadId: id, number: 3, bytes: Array("end".utf8))
            _ = try await emu.uploadPart("k", uploadId: id, number: 2, bytes: Array("dropped".utf8))
            // Unquoted, lower-case ETags are accepted too.
            let lower = three.headers["etag"]!.replacingOccurrences(of: "\"", with: "").lowercased()
            let done = try await emu.complete("k", uploadId: id, parts: [(1, one.headers["etag"]!), (3, lower)])
            #expect(done.status == 200)
            #expect(done.headers["x-oss-hash-crc64ecma"] == String(CRC64.checksum(Array("new-end".utf8))))
            #expect(try await emu.curl(emu.url("k")).text == "new-end")
        }
    }

    @Test func completeValidations() async throws {
        try await Emulator.with(minPartSize: 1024) { emu in
            let id = try await emu.initiate("v")
            let big = try await emu.uploadPart("v", uploadId: id, number: 1, bytes: LCG.bytes(2048))
            let small = try await emu.uploadPart("v", uploadId: id, number: 2, bytes: LCG.bytes(10))
            let last = try await emu.uploadPart("v", uploadId: id, number: 3, bytes: LCG.bytes(5))
            let e1 = big.headers["etag"]!, e2 = small.headers["etag"]!, e3 = last.headers["etag"]!

            let order = try await emu.complete("v", uploadId: id, parts: [(2, e2), (1, e1)])
            #expect(order.status == 400 && order.xml("Code") == "InvalidPartOrder")
            let dup = try await emu.complete("v", uploadId: id, parts: [(1, e1), (1, e1)])
            #expect(dup.xml("Code") == "InvalidPartOrder")
            let wrongTag = try await emu.complete("v", uploadId: id, parts: [(1, e2)])
            #expect(wrongTag.status == 400 && wrongTag.xml("Code") == "InvalidPart")
            let missing = try await emu.complete("v", uploadId: id, parts: [(1, e1), (7, e1)])
            #expect(missing.xml("Code") == "InvalidPart")
            let tooSmall = try await emu.complete("v", uploadId: id, parts: [(1, e1), (2, e2), (3, e3)])
            #expect(tooSmall.status == 400 && tooSmall.xml("Code") == "EntityTooSmall")
            let malformed = try await emu.curl("-X", "POST", "--data-binary", "<CompleteMultipartUpload><Part>", emu.url("v", "uploadId=\(id)"))
            #expect(malformed.status == 400 && malformed.xml("Code") == "MalformedXML")
            let withBody = try await emu.complete("v", uploadId: id, parts: [(1, e1)], extra: ["-H", "x-oss-complete-all: yes"])
            #expect(withBody.xml("Code") == "InvalidArgument")

            // The upload survived every failed attempt; the last part may be small.
            let ok = try await emu.complete("v", uploadId: id, parts: [(1, e1), (3, e3)])
            #expect(ok.status == 200)
            #expect(try await emu.curl("-I", emu.url("v")).headers["content-length"] == "2053")
        }
    }

    @Test func completeAllTakesEveryPart() async throws {
        try await Emulator.with(minPartSize: 1) { emu in
            let id = try await emu.initiate("all")
            _ = try await emu.uploadPart("all", uploadId: id, number: 2, bytes: Array("b".utf8))
            _ = try await emu.uploadPart("all", uploadId: id, number: 1, bytes: Array("a".utf8))
            let r = try await emu.curl("-X", "POST", "-H", "x-oss-complete-all: yes", "-d", "", emu.url("all", "uploadId=\(id)"))
            #expect(r.status == 200)
            #expect(try await emu.curl(emu.url("all")).text == "ab")
        }
    }

    @Test func listPartsPagesWithMarkers() async throws {
        try await Emulator.with { emu in
            let id = try await emu.initiate("p")
            for n in [5, 1, 3, 2, 4] {
                _ = try await emu.uploadPart("p", uploadId: id, number: n, bytes: LCG.bytes(n))
            }
            let first = try await emu.curl(emu.url("p", "uploadId=\(id)&part-number-marker=&max-parts=2"))
            #expect(first.status == 200)
            #expect(first.xmlAll("PartNumber") == ["1", "2"])
            #expect(first.xml("IsTruncated") == "true")
            #expect(first.xml("NextPartNumberMarker") == "2")
            #expect(first.xml("PartNumberMarker") == "0")
            #expect(first.xml("HashCrc64ecma") == String(CRC64.checksum(LCG.bytes(1))))
            #expect(first.xml("StorageClass") == "Standard")
            // OSS writes whole seconds as `.000Z`; oss2 rejects any other fraction.
            #expect(first.xml("LastModified")?.hasSuffix(".000Z") == true)
            let second = try await emu.curl(emu.url("p", "uploadId=\(id)&part-number-marker=2&max-parts=2"))
            #expect(second.xmlAll("PartNumber") == ["3", "4"])
            let third = try await emu.curl(emu.url("p", "uploadId=\(id)&part-number-marker=4&max-parts=2"))
            #expect(third.xmlAll("PartNumber") == ["5"])
            #expect(third.xml("IsTruncated") == "false")
            #expect(third.xmlAll("Size") == ["5"])
            let bad = try await emu.curl(emu.url("p", "uploadId=\(id)&max-parts=abc"))
            #expect(bad.xml("Code") == "InvalidArgument")
        }
    }

    @Test func listMultipartUploadsAndAbort() async throws {
        try await Emulator.with { emu in
            let a1 = try await emu.initiate("dir/a")
            let a2 = try await emu.initiate("dir/a")
            _ = try await emu.initiate("dir/sub/b")
            _ = try await emu.initiate("other")
            let all = try await emu.curl(emu.server.baseURL + "/\(emu.bucket)/?uploads&prefix=dir/")
            #expect(all.xmlAll("Key") == ["dir/a", "dir/a", "dir/sub/b"])
            let paged = try await emu.curl(emu.server.baseURL + "/\(emu.bucket)/?uploads&max-uploads=1&key-marker=dir/a&upload-id-marker=\(a1)")
            #expect(paged.xmlAll("UploadId") == [a2])
            #expect(paged.xml("IsTruncated") == "true")
            let grouped = try await emu.curl(emu.server.baseURL + "/\(emu.bucket)/?uploads&delimiter=/&encoding-type=url")
            #expect(grouped.xml("EncodingType") == "url")
            #expect(grouped.text.contains("<CommonPrefixes><Prefix>dir%2F</Prefix></CommonPrefixes>"))
            let abort = try await emu.curl("-X", "DELETE", emu.url("dir/a", "uploadId=\(a1)"))
            #expect(abort.status == 204)
            let again = try await emu.curl("-X", "DELETE", emu.url("dir/a", "uploadId=\(a1)"))
            #expect(again.status == 404 && again.xml("Code") == "NoSuchUpload")
        }
    }
}
