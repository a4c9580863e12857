import Foundation
import HoistCore

/// What `done/NAME.result.json` records about a finished job: enough for a build system to find
/// the image and the object without asking Hoist, and to see what the transfer cost.
///
/// The CRC-64 is a decimal string, as OSS prints `x-oss-hash-crc64ecma`: a 64-bit value does
/// not survive JSON readers that hold numbers as doubles.
public struct JobResult: Sendable, Equatable, Codable {
    public var jobId: String
    /// The image's file name as it was dropped.
    public var file: String
    /// `oss://bucket/key`.
    public var object: String
    public var size: Int64
    public var crc64: String
    /// false when the job only uploaded and verified the object (`import = false`); JSON `"import"`.
    public var imported: Bool
    /// nil when the job only uploaded (`import = false`).
    public var imageId: String?
    /// The image's name as imported (a template expanded for this build); nil without import.
    public var imageName: String?
    /// Why the image is this build's: imported by this job under its token with Hoist's tags,
    /// or adopted by a rule of `ImageProvenance` (which one, in words); nil without import.
    public var provenance: String?
    public var region: String
    public var uploadSeconds: Double
    /// nil when the job only uploaded.
    public var importSeconds: Double?
    /// Bytes put on the wire, counting retries.
    public var bytesSent: Int64
    /// Bytes of `bytesSent` that had been sent before (retries, resends after a restart).
    public var bytesResent: Int64
    /// When the job finished, ISO 8601 in UTC.
    public var finishedAt: String

    enum CodingKeys: String, CodingKey {
        case jobId, file, object, size, crc64, imported = "import", imageId, imageName, provenance, region, uploadSeconds
        case importSeconds
        case bytesSent, bytesResent, finishedAt
    }

    public init(jobId: String, file: String, object: ObjectLocation, size: Int64, crc64: UInt64,
                imageId: String?, imageName: String? = nil, provenance: String? = nil, region: String,
                uploadSeconds: Double, importSeconds: Double?,
                bytesSent: Int64, bytesResent: Int64, finishedAt: Date = Date()) {
        self.jobId = jobId
        self.file = file
        self.object = "oss://\(object.bucket)/\(object.key)"
        self.size = size
        self.crc64 = String(crc64)
        self.imported = imageId != nil
        self.imageId = imageId
        self.imageName = imageName
        self.provenance = provenance
        self.region = region
        self.uploadSeconds = uploadSeconds
        self.importSeconds = importSeconds
        self.bytesSent = bytesSent
        self.bytesResent = bytesResent
        self.finishedAt = ISO8601DateFormatter().string(from: finishedAt)
    }

    /// Pretty, key-sorted JSON with a final newline, so results diff and `cat` cleanly.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }
}
