import Foundation
import GRDB

/// What a caller supplies to start a job; the journal fills in the id, state and times.
public struct NewJob: Sendable, Equatable {
    public var sourcePath: String
    public var source: SourceIdentity
    public var bucket: String
    /// The object key as given: a template (`NameTemplate`, object-key placeholders), expanded
    /// once when the journal creates the job and gives it an id and a creation time.
    public var keyTemplate: NameTemplate
    public var endpoint: String
    public var partSize: Int64

    /// A job for the literal `key` (braces in it are not placeholders).
    public init(sourcePath: String, source: SourceIdentity, bucket: String, key: String, endpoint: String,
                partSize: Int64) {
        self.init(sourcePath: sourcePath, source: source, bucket: bucket, keyTemplate: .literal(key),
                  endpoint: endpoint, partSize: partSize)
    }

    public init(sourcePath: String, source: SourceIdentity, bucket: String, keyTemplate: NameTemplate,
                endpoint: String, partSize: Int64) {
        self.sourcePath = sourcePath
        self.source = source
        self.bucket = bucket
        self.keyTemplate = keyTemplate
        self.endpoint = endpoint
        self.partSize = partSize
    }
}

/// Figures from the most recent run of a job, for `hoist status` and the benchmarks'
/// "bytes re-sent after a kill".
public struct RunStats: Sendable, Equatable {
    public var startedAt: Date?
    public var finishedAt: Date?
    /// Bytes put on the wire in this run, including retries.
    public var bytesSent: Int64
    /// Bytes sent more than once: retries and parts whose journal entry did not survive.
    public var bytesResent: Int64
    /// Wall-clock time spent uploading, in milliseconds (excludes time the job sat waiting).
    public var durationMilliseconds: Int64?

    public init(startedAt: Date? = nil, finishedAt: Date? = nil, bytesSent: Int64 = 0, bytesResent: Int64 = 0,
                durationMilliseconds: Int64? = nil) {
        self.startedAt = startedAt.map(JournalValues.normalized)
        self.finishedAt = finishedAt.map(JournalValues.normalized)
        self.bytesSent = bytesSent
        self.bytesResent = bytesResent
        self.durationMilliseconds = durationMilliseconds
    }
}

/// One row of `jobs`: a source file going to one OSS object (and perhaps one image).
public struct JobRecord: Sendable, Equatable, Identifiable {
    /// Short and readable (`j-` and 8 hex digits), because operators type it: `hoist retry j-1a2b3c4d`.
    public var id: String
    public var sourcePath: String
    /// The source file as it was when the current upload started.
    public var source: SourceIdentity
    public var bucket: String
    /// The object key, expanded from `keyTemplate` when the job was created.
    public var key: String
    /// The key as it was given (placeholders unexpanded), by which a rerun finds the job;
    /// nil for a job journaled before templates existed (its key is literal).
    public var keyTemplate: String?
    public var endpoint: String
    public var partSize: Int64
    public var state: JobState
    /// The sentence an operator reads when the job failed.
    public var error: String?
    public var bytesTotal: Int64
    public var lastRun: RunStats
    /// The object's CRC-64 once it matched the combined part CRCs.
    public var objectCRC64: UInt64?
    /// Where the agent filed the image when the job ended (`…/done/NAME`, `…/failed/NAME`, or
    /// its record when the image was deleted); nil outside the agent.
    public var filedPath: String?
    public var createdAt: Date
    public var updatedAt: Date
}

extension JobRecord: FetchableRecord {
    public init(row: Row) throws {
        id = try row.decode(forColumn: "id")
        sourcePath = try row.decode(forColumn: "source_path")
        source = SourceIdentity(
            device: JournalValues.unsigned(try row.decode(forColumn: "source_device")),
            inode: JournalValues.unsigned(try row.decode(forColumn: "source_inode")),
            size: try row.decode(forColumn: "source_size"),
            mtimeNanoseconds: try row.decode(forColumn: "source_mtime_ns"),
            ctimeNanoseconds: try row.decode(forColumn: "source_ctime_ns"),
            birthNanoseconds: try row.decode(forColumn: "source_birth_ns"))
        bucket = try row.decode(forColumn: "bucket")
        key = try row.decode(forColumn: "key")
        keyTemplate = try row.decode(forColumn: "key_template")
        endpoint = try row.decode(forColumn: "endpoint")
        partSize = try row.decode(forColumn: "part_size")
        state = try JournalValues.enumValue(JobState.self, try row.decode(forColumn: "state"), column: "jobs.state")
        error = try row.decode(forColumn: "error")
        bytesTotal = try row.decode(forColumn: "bytes_total")
        lastRun = RunStats(
            startedAt: (try row.decode(Int64?.self, forColumn: "run_started_ms")).map(JournalValues.date),
            finishedAt: (try row.decode(Int64?.self, forColumn: "run_finished_ms")).map(JournalValues.date),
            bytesSent: try row.decode(forColumn: "run_bytes_sent"),
            bytesResent: try row.decode(forColumn: "run_bytes_resent"),
            durationMilliseconds: try row.decode(forColumn: "run_duration_ms"))
        objectCRC64 = (try row.decode(Int64?.self, forColumn: "object_crc64")).map(JournalValues.unsigned)
        filedPath = try row.decode(forColumn: "filed_path")
        createdAt = JournalValues.date(try row.decode(forColumn: "created_ms"))
        updatedAt = JournalValues.date(try row.decode(forColumn: "updated_ms"))
    }
}

/// Job identifiers: `j-` followed by 8 lower-case hex digits.
///
/// 32 random bits make a collision among a host's jobs unlikely but not impossible, so the
/// journal retries with a fresh id when the insert hits an existing one.
enum JobID {
    static func random() -> String {
        let hex = String(UInt32.random(in: .min ... .max), radix: 16)
        return "j-" + String(repeating: "0", count: 8 - hex.count) + hex
    }
}
