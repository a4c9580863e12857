import Foundation
import Testing
@testable import HoistCore

/// The response samples of oss-multipart.md, with and without a namespace and with unknown
/// elements, and the Complete request body.
@Suite("OSS XML codecs")
struct OSSXMLCodecsTests {
    static let namespace = " xmlns=\"http://doc.oss-cn-hangzhou.aliyuncs.com\""

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    static func initiate(_ ns: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <InitiateMultipartUploadResult\(ns)>
          <Bucket>examplebucket</Bucket>
          <Key>images/ubuntu-22.04.qcow2</Key>
          <FutureElement><Nested>x</Nested></FutureElement>
          <UploadId>0004B9894A22E5B1888A1E29F8236E2D</UploadId>
        </InitiateMultipartUploadResult>
        """
    }

    static func listParts(_ ns: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <ListPartsResult\(ns)>
          <Bucket>examplebucket</Bucket>
          <Key>images/ubuntu-22.04.qcow2</Key>
          <UploadId>0004B9894A22E5B1888A1E29F8236E2D</UploadId>
          <StorageClass>Standard</StorageClass>
          <PartNumberMarker>0</PartNumberMarker>
          <NextPartNumberMarker>2</NextPartNumberMarker>
          <MaxParts>2</MaxParts>
          <IsTruncated>true</IsTruncated>
          <Part>
            <PartNumber>1</PartNumber>
            <LastModified>2024-01-15T08:30:01.000Z</LastModified>
            <ETag>"3349DC700140D7F86A0784842780AB12"</ETag>
            <HashCrc64ecma>5365114283114766473</HashCrc64ecma>
            <Size>6291456</Size>
            <ClientEncryptionStart>ignored</ClientEncryptionStart>
          </Part>
          <Part>
            <PartNumber>2</PartNumber>
            <LastModified>2024-01-15T08:30:02.000Z</LastModified>
            <ETag>&quot;8C315065167132444177411FDA14AB34&quot;</ETag>
            <HashCrc64ecma>18446744073709551615</HashCrc64ecma>
            <Size>1024</Size>
          </Part>
        </ListPartsResult>
        """
    }

    @Test(arguments: ["", namespace])
    func initiateResult(ns: String) throws {
        let result = try OSSXMLCodecs.initiateResult(Self.bytes(Self.initiate(ns)))
        #expect(result == OSSInitiatedUpload(bucket: "examplebucket", key: "images/ubuntu-22.04.qcow2",
                                             uploadId: "0004B9894A22E5B1888A1E29F8236E2D"))
    }

    @Test(arguments: ["", namespace])
    func listPartsResult(ns: String) throws {
        let page = try OSSXMLCodecs.listPartsResult(Self.bytes(Self.listParts(ns)))
        #expect(page.isTruncated && page.nextPartNumberMarker == 2 && page.partNumberMarker == 0 && page.maxParts == 2)
        #expect(page.uploadId == "0004B9894A22E5B1888A1E29F8236E2D")
        #expect(page.parts == [
            OSSPartInfo(partNumber: 1, etag: "3349DC700140D7F86A0784842780AB12", size: 6_291_456,
                        crc64: 5_365_114_283_114_766_473, lastModified: OSSDate.parseISO8601("2024-01-15T08:30:01.000Z")),
            OSSPartInfo(partNumber: 2, etag: "8C315065167132444177411FDA14AB34", size: 1024,
                        crc64: UInt64.max, lastModified: Date(timeIntervalSince1970: 1_705_307_402)),
        ])
    }

    @Test func lastPageAndMissingCRC() throws {
        let xml = "<ListPartsResult><IsTruncated>false</IsTruncated><Part><PartNumber>3</PartNumber><ETag>\"E\"</ETag><Size>5</Size></Part></ListPartsResult>"
        let page = try OSSXMLCodecs.listPartsResult(Self.bytes(xml))
        #expect(!page.isTruncated && page.nextPartNumberMarker == nil && page.parts.first?.crc64 == nil)
        #expect(throws: OSSXMLError.self) {
            try OSSXMLCodecs.listPartsResult(Self.bytes("<ListPartsResult><IsTruncated>true</IsTruncated></ListPartsResult>"))
        }
        #expect(throws: OSSXMLError.self) {
            try OSSXMLCodecs.listPartsResult(Self.bytes("<ListPartsResult><Part><PartNumber>1</PartNumber><Size>x</Size></Part></ListPartsResult>"))
        }
    }

    @Test(arguments: ["", namespace])
    func listUploadsURLEncoded(ns: String) throws {
        let xml = """
        <ListMultipartUploadsResult\(ns)>
          <EncodingType>url</EncodingType>
          <Bucket>examplebucket</Bucket>
          <KeyMarker>images%2Fa%20b.qcow2</KeyMarker>
          <UploadIdMarker></UploadIdMarker>
          <NextKeyMarker>images%2Fb.qcow2</NextKeyMarker>
          <NextUploadIdMarker>0004B99B8E707874FC2D692FA5D77D3F</NextUploadIdMarker>
          <Delimiter></Delimiter>
          <Prefix>images%2F</Prefix>
          <MaxUploads>1000</MaxUploads>
          <IsTruncated>false</IsTruncated>
          <Upload>
            <Key>images%2Fa%2Bb%20c.qcow2</Key>
            <UploadId>0004B999EF518A1FE585B0C9360DC4C8</UploadId>
            <StorageClass>Standard</StorageClass>
            <Initiated>2024-01-15T08:30:00.000Z</Initiated>
          </Upload>
          <CommonPrefixes><Prefix>images%2Fsub%2F</Prefix></CommonPrefixes>
        </ListMultipartUploadsResult>
        """
        let page = try OSSXMLCodecs.listUploadsResult(Self.bytes(xml))
        #expect(page.prefix == "images/" && page.keyMarker == "images/a b.qcow2" && page.nextKeyMarker == "images/b.qcow2")
        #expect(page.nextUploadIdMarker == "0004B99B8E707874FC2D692FA5D77D3F" && !page.isTruncated)
        #expect(page.uploads == [OSSUploadInfo(key: "images/a+b c.qcow2", uploadId: "0004B999EF518A1FE585B0C9360DC4C8",
                                               initiated: Date(timeIntervalSince1970: 1_705_307_400))])
        #expect(page.commonPrefixes == ["images/sub/"])
    }

    @Test func listUploadsPlainKeepsPercent() throws {
        let xml = "<ListMultipartUploadsResult><Upload><Key>100%25 raw</Key><UploadId>U</UploadId></Upload></ListMultipartUploadsResult>"
        #expect(try OSSXMLCodecs.listUploadsResult(Self.bytes(xml)).uploads.map(\.key) == ["100%25 raw"])
    }

    @Test(arguments: ["", namespace])
    func completeResult(ns: String) throws {
        let xml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <CompleteMultipartUploadResult\(ns)>
          <EncodingType>url</EncodingType>
          <Location>http://examplebucket.oss-cn-hangzhou.aliyuncs.com/images/ubuntu-22.04.qcow2</Location>
          <Bucket>examplebucket</Bucket>
          <Key>images%2Fubuntu-22.04.qcow2</Key>
          <ETag>"097DE458AD02B5F89F9D0530231876AB-2"</ETag>
        </CompleteMultipartUploadResult>
        """
        let result = try OSSXMLCodecs.completeResult(Self.bytes(xml))
        #expect(result.key == "images/ubuntu-22.04.qcow2" && result.etag == "097DE458AD02B5F89F9D0530231876AB-2")
        #expect(result.location.hasSuffix("/images/ubuntu-22.04.qcow2") && result.bucket == "examplebucket")
    }

    @Test func wrongRootOrGarbageThrows() {
        #expect(throws: OSSXMLError.self) { try OSSXMLCodecs.initiateResult(Self.bytes(Self.listParts(""))) }
        #expect(throws: OSSXMLError.self) { try OSSXMLCodecs.initiateResult(Self.bytes("not xml <")) }
        #expect(throws: OSSXMLError.self) { try OSSXMLCodecs.initiateResult(Self.bytes("<InitiateMultipartUploadResult/>")) }
    }

    @Test func completeBodyQuotesETagsAndParsesBack() throws {
        let body = OSSXMLCodecs.completeBody(parts: [(1, "3349DC700140D7F86A0784842780AB12"), (2, "\"8C31\"")])
        let text = String(decoding: body, as: UTF8.self)
        #expect(text == "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CompleteMultipartUpload>"
            + "<Part><PartNumber>1</PartNumber><ETag>&quot;3349DC700140D7F86A0784842780AB12&quot;</ETag></Part>"
            + "<Part><PartNumber>2</PartNumber><ETag>&quot;8C31&quot;</ETag></Part></CompleteMultipartUpload>")
        let tree = try #require(OSSXMLElement.parse(body))
        #expect(tree.children("Part").map { $0.string("ETag") } == ["\"3349DC700140D7F86A0784842780AB12\"", "\"8C31\""])
    }

    @Test func bucketInfo() throws {
        let xml = """
        <BucketInfo><Bucket><AccessMonitor>Disabled</AccessMonitor><CreationDate>2013-07-31T10:56:21.000Z</CreationDate>
        <ExtranetEndpoint>oss-cn-hangzhou.aliyuncs.com</ExtranetEndpoint><IntranetEndpoint>oss-cn-hangzhou-internal.aliyuncs.com</IntranetEndpoint>
        <Location>oss-cn-hangzhou</Location><StorageClass>Standard</StorageClass><Name>oss-example</Name>
        <Owner><DisplayName>u</DisplayName><ID>u</ID></Owner></Bucket></BucketInfo>
        """
        let info = try OSSXMLCodecs.bucketInfo(Self.bytes(xml))
        #expect(info.name == "oss-example" && info.location == "oss-cn-hangzhou" && info.storageClass == "Standard")
        #expect(info.intranetEndpoint == "oss-cn-hangzhou-internal.aliyuncs.com" && info.creationDate != nil)
    }
}
