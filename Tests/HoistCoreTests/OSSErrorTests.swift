import Foundation
import Testing
@testable import HoistCore

@Suite("OSS error model")
struct OSSErrorTests {
    static func response(_ status: Int, _ body: String = "", headers: [(name: String, value: String)] = []) -> HTTPResponse {
        HTTPResponse(status: status, headers: headers, body: Array(body.utf8))
    }

    @Test func parsesErrorDocument() {
        let xml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <Error>
          <Code>NoSuchUpload</Code>
          <Message>The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.</Message>
          <RequestId>65A4F2C8D1E3B2A1C0FFEE01</RequestId>
          <HostId>examplebucket.oss-cn-hangzhou.aliyuncs.com</HostId>
          <UploadId>0004B9894A22E5B1888A1E29F8236E2D</UploadId>
          <EC>0048-00000001</EC>
        </Error>
        """
        let error = OSSError(response: Self.response(404, xml, headers: [("Date", "Mon, 15 Jan 2024 08:30:00 GMT"), ("x-oss-request-id", "other")]),
                             key: "k")
        #expect(error.code == "NoSuchUpload" && error.httpStatus == 404)
        #expect(error.requestId == "65A4F2C8D1E3B2A1C0FFEE01" && error.hostId == "examplebucket.oss-cn-hangzhou.aliyuncs.com")
        #expect(error.extra == ["UploadId": "0004B9894A22E5B1888A1E29F8236E2D", "EC": "0048-00000001"])
        #expect(error.serverDate == Date(timeIntervalSince1970: 1_705_307_400))
        #expect(!error.isRetryable)
        #expect(error.description.contains("NoSuchUpload") && error.description.contains("65A4F2C8D1E3B2A1C0FFEE01"))
    }

    @Test func signatureMismatchRedactsToken() {
        let xml = """
        <Error xmlns="http://doc.oss-cn-hangzhou.aliyuncs.com"><Code>SignatureDoesNotMatch</Code><Message>m</Message><RequestId>R</RequestId><HostId>h</HostId>
        <OSSAccessKeyId>STS.id</OSSAccessKeyId><SignatureProvided>abc</SignatureProvided>
        <StringToSign>PUT\n\n\nMon, 15 Jan 2024 08:30:00 GMT\nx-oss-security-token:SECRET-TOKEN\n/b/k</StringToSign>
        <StringToSignBytes>50 55 54 0A SECRET</StringToSignBytes></Error>
        """
        let error = OSSError(response: Self.response(403, xml), key: "k")
        #expect(error.code == "SignatureDoesNotMatch" && error.extra["OSSAccessKeyId"] == "STS.id")
        #expect(error.extra["StringToSign"] == "PUT\n\n\nMon, 15 Jan 2024 08:30:00 GMT\nx-oss-security-token:<redacted>\n/b/k")
        #expect(error.extra["StringToSignBytes"] == nil)
        #expect(!"\(error) \(error.extra)".contains("SECRET"))
    }

    @Test func headErrorsMapFromStatus() {
        let missingKey = OSSError(response: Self.response(404, headers: [("x-oss-request-id", "RID"), ("x-oss-ec", "0026-00000001")]), key: "a.img")
        #expect(missingKey.code == "NoSuchKey" && missingKey.requestId == "RID" && missingKey.extra["EC"] == "0026-00000001")
        let rid = [("x-oss-request-id", "RID")]
        #expect(OSSError(response: Self.response(404, headers: rid), key: nil).code == "NoSuchBucket")
        #expect(OSSError(response: Self.response(403, headers: rid), key: "k").code == "AccessDenied")
        #expect(OSSError(response: Self.response(502, "<html>bad gateway</html>", headers: rid), key: "k").code == "InternalError")
        #expect(OSSError(response: Self.response(503, headers: rid), key: "k").code == "ServiceUnavailable")
    }

    /// A proxy or another server answering in OSS's place is a network problem to wait out,
    /// not a missing key that fails the job.
    @Test func answersWithoutARequestIdAreNotFromOSS() {
        for status in [404, 403, 502] {
            let error = OSSError(response: Self.response(status, "<html>not here</html>"), key: "disk.raw")
            #expect(error.code == OSSError.notFromOSS && error.isRetryable, "\(status)")
            #expect(error.message.contains("did not come from OSS"))
        }
    }

    @Test func retryClassification() {
        func error(_ status: Int, _ code: String) -> OSSError {
            OSSError(response: Self.response(status, "<Error><Code>\(code)</Code><Message>m</Message></Error>"), key: "k")
        }
        #expect(error(500, "InternalError").isRetryable)
        #expect(error(503, "SlowDown").isRetryable)
        #expect(error(429, "QpsLimitExceeded").isRetryable)
        #expect(error(400, "RequestTimeout").isRetryable)
        let skew = error(403, "RequestTimeTooSkewed")
        #expect(skew.isRetryable && skew.isClockSkew)
        for (status, code) in [(403, "AccessDenied"), (403, "InvalidAccessKeyId"), (404, "NoSuchBucket"), (400, "InvalidDigest"),
                               (404, "NoSuchUpload"), (400, "InvalidPart"), (403, "SignatureDoesNotMatch")] {
            #expect(!error(status, code).isRetryable, "\(code)")
        }
    }

    @Test func qosDelayAndClockOffset() {
        let error = OSSError(response: Self.response(503, headers: [("X-Oss-Qos-Delay-Time", "1500"), ("date", "Mon, 15 Jan 2024 08:30:00 GMT")]), key: "k")
        #expect(error.qosDelay == 1.5)
        #expect(error.clockOffset(localNow: Date(timeIntervalSince1970: 1_705_307_400 - 1200)) == 1200)
        #expect(OSSError(response: Self.response(500), key: "k").qosDelay == nil)
    }
}
