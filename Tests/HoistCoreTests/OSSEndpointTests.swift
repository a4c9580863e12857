import Testing
@testable import HoistCore

@Suite("OSS endpoint and wire URLs")
struct OSSEndpointTests {
    @Test func regionalPublicIsVirtualHosted() {
        let e = OSSEndpoint.region("cn-hangzhou")
        #expect(e.host == "oss-cn-hangzhou.aliyuncs.com" && e.addressing == .virtualHosted && e.region == "cn-hangzhou")
        #expect(e.url(bucket: "examplebucket", key: "images/ubuntu-22.04.qcow2", query: [("uploads", "")])
            == "https://examplebucket.oss-cn-hangzhou.aliyuncs.com/images/ubuntu-22.04.qcow2?uploads=")
        #expect(e.url(bucket: "examplebucket", key: nil, query: [("uploads", ""), ("prefix", "images/")])
            == "https://examplebucket.oss-cn-hangzhou.aliyuncs.com/?uploads=&prefix=images%2F")
        #expect(e.url(bucket: nil, key: nil) == "https://oss-cn-hangzhou.aliyuncs.com/")
    }

    @Test func internalHost() {
        let e = OSSEndpoint.region("cn-shanghai", internal: true)
        #expect(e.host == "oss-cn-shanghai-internal.aliyuncs.com")
        #expect(e.url(bucket: "b", key: "k") == "https://b.oss-cn-shanghai-internal.aliyuncs.com/k")
    }

    @Test func customHostIsPathStyle() throws {
        let e = try #require(OSSEndpoint("http://127.0.0.1:9000/"))
        #expect(e.scheme == "http" && e.host == "127.0.0.1" && e.port == 9000 && e.addressing == .pathStyle && e.region == nil)
        #expect(e.url(bucket: "bkt", key: "dir one/a+b~c=d.raw", query: [("partNumber", "1"), ("uploadId", "A/B+C")])
            == "http://127.0.0.1:9000/bkt/dir%20one/a%2Bb~c%3Dd.raw?partNumber=1&uploadId=A%2FB%2BC")
        #expect(e.url(bucket: "bkt", key: nil, query: [("bucketInfo", "")]) == "http://127.0.0.1:9000/bkt/?bucketInfo=")
        #expect(e.url(bucket: "bkt", key: "日本.img") == "http://127.0.0.1:9000/bkt/%E6%97%A5%E6%9C%AC.img")
        #expect(OSSEndpoint("https://minio.local")?.addressing == .pathStyle)
        #expect(OSSEndpoint("http://[::1]:9000")?.port == 9000)
    }

    @Test func aliyunURLsAreRecognised() {
        let e = OSSEndpoint("https://oss-cn-beijing.aliyuncs.com")
        #expect(e == OSSEndpoint.region("cn-beijing"))
        let bare = OSSEndpoint("oss-ap-southeast-1-internal.aliyuncs.com")
        #expect(bare?.scheme == "https" && bare?.region == "ap-southeast-1" && bare?.addressing == .virtualHosted)
    }

    @Test func rejectsNonsense() {
        for text in ["ftp://host", "http://host:99999", "http://host/path", "http://", "", "http://user@host"] {
            #expect(OSSEndpoint(text) == nil, "\(text)")
        }
    }

    @Test func dotSegmentsSurviveTheWire() {
        let e = OSSEndpoint.region("cn-hangzhou")
        #expect(e.url(bucket: "b", key: "a/../b/./c") == "https://b.oss-cn-hangzhou.aliyuncs.com/a/%2E%2E/b/%2E/c")
        #expect(PercentEncoding.decode("a/%2E%2E/b/%2E/c") == "a/../b/./c")
    }
}
