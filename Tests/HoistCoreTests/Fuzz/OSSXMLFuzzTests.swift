import Foundation
import Testing
@testable import HoistCore

/// Every OSS response decoder on random and damaged XML: each input decodes or throws
/// `OSSXMLError` (which the retry policy treats as a garbled answer); nothing crashes or hangs.
@Suite struct OSSXMLFuzzTests {
    static var seeds: [[UInt8]] {
        let ns = OSSXMLCodecsTests.namespace
        var texts = [OSSXMLCodecsTests.initiate(""), OSSXMLCodecsTests.initiate(ns),
                     OSSXMLCodecsTests.listParts(""), OSSXMLCodecsTests.listParts(ns)]
        texts.append("""
            <ListMultipartUploadsResult><EncodingType>url</EncodingType><Bucket>b</Bucket><KeyMarker>a%2Fb</KeyMarker>
            <NextKeyMarker>c%20d</NextKeyMarker><MaxUploads>1000</MaxUploads><IsTruncated>true</IsTruncated>
            <Upload><Key>k%2B1</Key><UploadId>U1</UploadId><Initiated>2024-01-15T08:30:00.000Z</Initiated></Upload>
            <CommonPrefixes><Prefix>p%2F</Prefix></CommonPrefixes></ListMultipartUploadsResult>
            """)
        texts.append("""
            <?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUploadResult><EncodingType>url</EncodingType>
            <Location>http://b.oss/k</Location><Bucket>b</Bucket><Key>k%2F1</Key><ETag>"0A-2"</ETag></CompleteMultipartUploadResult>
            """)
        texts.append("""
            <BucketInfo><Bucket><CreationDate>2013-07-31T10:56:21.000Z</CreationDate><Location>oss-cn-hangzhou</Location>
            <Name>oss-example</Name><StorageClass>Standard</StorageClass></Bucket></BucketInfo>
            """)
        texts.append("""
            <?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchUpload</Code><Message>gone</Message>
            <RequestId>5C3D9175B6FC201293AD****</RequestId><HostId>b.oss</HostId><UploadId>U</UploadId></Error>
            """)
        // An internal entity that would expand exponentially if the parser let it.
        texts.append("""
            <?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
            <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
            <InitiateMultipartUploadResult><UploadId>&d;</UploadId></InitiateMultipartUploadResult>
            """)
        return texts.map { Array($0.utf8) }
    }

    static var mutator: FuzzMutator {
        var mutator = FuzzMutator()
        mutator.dictionary = ["<Part>", "</Part>", "<PartNumber>", "<Size>", "<HashCrc64ecma>", "<IsTruncated>true</IsTruncated>",
                              "<EncodingType>url</EncodingType>", "%", "%ZZ", "&amp;", "&#0;", "&#xFFFFFFFF;", "<![CDATA[",
                              "]]>", "<!--", "<?xml version=\"1.0\"?>", "<a:b xmlns:a=\"x\">", "\u{FEFF}", "\0"]
            .map { Array($0.utf8) }
        return mutator
    }

    /// Decodes with every codec; any error but `OSSXMLError` is a failure.
    static func decodeAll(_ body: [UInt8], _ label: String) {
        let decoders: [(String, ([UInt8]) throws -> Void)] = [
            ("initiate", { _ = try OSSXMLCodecs.initiateResult($0) }),
            ("listParts", { _ = try OSSXMLCodecs.listPartsResult($0) }),
            ("listUploads", { _ = try OSSXMLCodecs.listUploadsResult($0) }),
            ("complete", { _ = try OSSXMLCodecs.completeResult($0) }),
            ("bucketInfo", { _ = try OSSXMLCodecs.bucketInfo($0) }),
        ]
        for (name, decode) in decoders {
            do {
                try decode(body)
            } catch is OSSXMLError {
            } catch {
                Issue.record("\(label): \(name) threw \(type(of: error)) \(error), not OSSXMLError")
            }
        }
        // The error reader never throws; it must still come back with a code.
        let error = OSSError(response: HTTPResponse(status: 500, headers: [("x-oss-request-id", "R")], body: body), key: "k")
        if error.code.isEmpty { Issue.record("\(label): OSSError without a code") }
    }

    @Test(.timeLimit(.minutes(20))) func decodersSurviveRandomAndMutatedXML() {
        fuzz(Self.seeds, mutator: Self.mutator) { body, label in Self.decodeAll(body, label) }
    }

    @Test func seedsThemselvesDecode() throws {
        for body in Self.seeds { Self.decodeAll(body, "seed") }
        _ = try OSSXMLCodecs.listPartsResult(Array(OSSXMLCodecsTests.listParts("").utf8))
    }

    /// Nesting far past any real response: a clean error, not a stack overflow.
    @Test(arguments: [300, 5_000, 100_000])
    func deepNestingIsAnError(depth: Int) {
        do {
            let body = Array((String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth)).utf8)
            Self.decodeAll(body, "depth \(depth)")
        }
    }
}

extension OSSXMLFuzzTests {
    /// Regression: fuzz case 50 of the default seed, "<" and an element name that is not UTF-8.
    /// Foundation's XMLParser trapped on it (SIGILL) instead of failing the parse.
    @Test func elementNameThatIsNotUTF8IsAnError() {
        let hex = "3ce1a865428c3ed6ebcd3cd4064ebf5b754d7c33be910a0194d45fc7ce58e23d5c6be16cb55df3d8d1"
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        Self.decodeAll(bytes, "non-UTF-8 name")
    }
}

extension OSSXMLFuzzTests {
    /// Regression (long fuzz run): a `LastModified` with a long fraction of a second overflowed
    /// while scaling it to milliseconds, trapping the ListParts decoder.
    @Test func longFractionOfASecondIsNotATrap() throws {
        let fraction = String(repeating: "9", count: 40)
        #expect(OSSDate.parseISO8601("2024-01-15T08:30:01.\(fraction)Z") == Date(timeIntervalSince1970: 1_705_307_401.999))
        #expect(OSSDate.parseISO8601("2024-01-15T08:30:01.5Z") == Date(timeIntervalSince1970: 1_705_307_401.5))
        #expect(OSSDate.parseISO8601("2024-01-15T08:30:01.Z") == nil)
        #expect(OSSDate.parseISO8601("2024-01-15T08:30:01.1x3Z") == nil)
        let xml = "<ListPartsResult><Part><PartNumber>1</PartNumber><Size>5</Size>"
            + "<LastModified>2024-01-15T08:30:01.\(fraction)Z</LastModified></Part></ListPartsResult>"
        #expect(try OSSXMLCodecs.listPartsResult(Array(xml.utf8)).parts.count == 1)
    }
}

extension OSSXMLFuzzTests {
    /// Regression (long fuzz run, case 8482): a processing instruction without data (`<?xm?>`)
    /// made Foundation's XMLParser call strlen(NULL) and crash the process.
    @Test(arguments: ["<?xm?><Error><Code>X</Code></Error>", "<Error><?pi?><Code>X</Code></Error>",
                      "<?xml version=\"1.0\"?><Error><?pi data?><Code>X</Code></Error>"])
    func processingInstructionsAreRefused(xml: String) {
        #expect(OSSXMLElement.parse(Array(xml.utf8)) == nil)
        Self.decodeAll(Array(xml.utf8), "processing instruction")
    }

    @Test func xmlDeclarationIsStillAccepted() throws {
        let xml = "\u{FEFF}<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>X</Code></Error>"
        #expect(OSSXMLElement.parse(Array(xml.utf8))?.string("Code") == "X")
    }
}
