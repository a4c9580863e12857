import Foundation
import GRDB

/// One row of `uploads`: a multipart upload ID and the plan it was started with.
///
/// A job has one open upload at a time, but keeps the rows of earlier ones (aborted after the
/// source changed, or lost to `NoSuchUpload`) so `hoist uploads abort` can find orphans.
public struct UploadRecord: Sendable, Equatable, Identifiable {
    public var uploadId: String
    public var jobId: String
    public var bucket: String
    public var key: String
    public var state: UploadState
    public var partSize: Int64
    public var partCount: Int
    public var initiatedAt: Date
    /// When the upload was completed or aborted.
    public var finishedAt: Date?

    public var id: String { uploadId }
}

extension UploadRecord: FetchableRecord {
    public init(row: Row) throws {
        uploadId = try row.decode(forColumn: "upload_id")
        jobId = try row.decode(forColumn: "job_id")
        bucket = try row.decode(forColumn: "bucket")
        key = try row.decode(forColumn: "key")
        state = try JournalValues.enumValue(
            UploadState.self, try row.decode(forColumn: "state"), column: "uploads.state")
        partSize = try row.decode(forColumn: "part_size")
        partCount = try row.decode(forColumn: "part_count")
        initiatedAt = JournalValues.date(try row.decode(forColumn: "initiated_ms"))
        finishedAt = (try row.decode(Int64?.self, forColumn: "finished_ms")).map(JournalValues.date)
    }
}

/// One row of `parts`: a part OSS acknowledged with a CRC-64 equal to the one computed while
/// sending it. Only such parts are ever written, so the table is the set of parts that need
/// not be sent again (subject to reconciliation with ListParts).
public struct PartRecord: Sendable, Equatable, Hashable {
    public var uploadId: String
    public var number: Int
    public var offset: Int64
    public var size: Int64
    public var etag: String
    public var crc64: UInt64
    public var completedAt: Date

    public init(uploadId: String, number: Int, offset: Int64, size: Int64, etag: String, crc64: UInt64,
                completedAt: Date) {
        self.uploadId = uploadId
        self.number = number
        self.offset = offset
        self.size = size
        self.etag = etag
        self.crc64 = crc64
        self.completedAt = JournalValues.normalized(completedAt)
    }
}

extension PartRecord: FetchableRecord {
    public init(row: Row) throws {
        self.init(
            uploadId: try row.decode(forColumn: "upload_id"),
            number: try row.decode(forColumn: "part_number"),
            offset: try row.decode(forColumn: "offset"),
            size: try row.decode(forColumn: "size"),
            etag: try row.decode(forColumn: "etag"),
            crc64: JournalValues.unsigned(try row.decode(forColumn: "crc64")),
            completedAt: JournalValues.date(try row.decode(forColumn: "completed_ms")))
    }
}
