@testable import HoistCore
import Testing

@Suite struct UploadObjectLocationTests {
    @Test func parsesBucketAndKey() throws {
        let location = try ObjectLocation(parsing: "oss://images/builds/2024/disk.qcow2")
        #expect(location == ObjectLocation(bucket: "images", key: "builds/2024/disk.qcow2"))
        #expect(!location.isPrefix)
        #expect(location.description == "oss://images/builds/2024/disk.qcow2")
    }

    @Test func bucketAloneOrTrailingSlashIsAPrefix() throws {
        let bucket = try ObjectLocation(parsing: "oss://images")
        #expect(bucket.key == "" && bucket.isPrefix)
        #expect(bucket.appending(fileName: "a.img").key == "a.img")
        let prefix = try ObjectLocation(parsing: "OSS://images/builds/")
        #expect(prefix.isPrefix)
        #expect(prefix.appending(fileName: "a.img") == ObjectLocation(bucket: "images", key: "builds/a.img"))
    }

    @Test func keysAreTakenLiterally() throws {
        let location = try ObjectLocation(parsing: "oss://images/a%20b c/ü.img")
        #expect(location.key == "a%20b c/ü.img")
    }

    @Test func refusesWhatOSSWouldRefuse() {
        #expect(throws: ObjectLocationError.notAnOSSURL("s3://b/k")) { try ObjectLocation(parsing: "s3://b/k") }
        #expect(throws: ObjectLocationError.notAnOSSURL("images/k")) { try ObjectLocation(parsing: "images/k") }
        #expect(throws: ObjectLocationError.invalidBucket("Images")) { try ObjectLocation(parsing: "oss://Images/k") }
        #expect(throws: ObjectLocationError.invalidBucket("ab")) { try ObjectLocation(parsing: "oss://ab/k") }
        #expect(throws: ObjectLocationError.invalidBucket("-ab")) { try ObjectLocation(parsing: "oss://-ab/k") }
        #expect(throws: ObjectLocationError.invalidBucket("")) { try ObjectLocation(parsing: "oss:///k") }
        #expect(throws: ObjectLocationError.invalidKey("/k")) { try ObjectLocation(parsing: "oss://abc//k") }
        #expect(throws: ObjectLocationError.keyTooLong(1024)) {
            try ObjectLocation(parsing: "oss://abc/" + String(repeating: "k", count: 1024))
        }
    }

    @Test func importNeedsAnObjectNotABucket() throws {
        #expect(try ObjectLocation(parsingObject: "oss://images/a.img") == ObjectLocation(bucket: "images", key: "a.img"))
        #expect(throws: ObjectLocationError.notAnObject("oss://images")) { try ObjectLocation(parsingObject: "oss://images") }
        #expect(throws: ObjectLocationError.notAnObject("oss://images/")) {
            try ObjectLocation(parsingObject: "oss://images/")
        }
        #expect(throws: ObjectLocationError.invalidBucket("Images")) { try ObjectLocation(parsingObject: "oss://Images/a") }
    }

    @Test func bucketNameRules() {
        #expect(ObjectLocation.isValidBucketName("abc"))
        #expect(ObjectLocation.isValidBucketName("my-bucket-01"))
        #expect(!ObjectLocation.isValidBucketName("my_bucket"))
        #expect(!ObjectLocation.isValidBucketName("bucket-"))
        #expect(!ObjectLocation.isValidBucketName(String(repeating: "a", count: 64)))
    }
}
