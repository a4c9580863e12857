import Foundation
import GRDB

extension UploadJournal {
    /// Records a multipart upload ID for a job, in state `open`.
    ///
    /// Call this as soon as InitiateMultipartUpload returns and before the first part is sent:
    /// a crash after that point then resumes this upload instead of orphaning it. Recording the
    /// same ID again for the same job returns the existing row, so a retried call is harmless.
    @discardableResult
    public func recordUpload(
        jobId: String, uploadId: String, partSize: Int64, partCount: Int, initiatedAt: Date = Date()
    ) async throws -> UploadRecord {
        try await write { db in
            if let existing = try Self.fetchUpload(db, id: uploadId), existing.jobId == jobId {
                return existing
            }
            let job = try Self.fetchJob(db, id: jobId)
            try db.execute(
                sql: """
                    INSERT INTO uploads (upload_id, job_id, bucket, key, state, part_size, part_count, initiated_ms)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    uploadId, jobId, job.bucket, job.key, UploadState.open.rawValue, partSize, partCount,
                    JournalValues.milliseconds(initiatedAt),
                ])
            return try Self.requireUpload(db, id: uploadId)
        }
    }

    /// The upload with this ID, or `nil`.
    public func upload(id uploadId: String) async throws -> UploadRecord? {
        try await read { db in try Self.fetchUpload(db, id: uploadId) }
    }

    /// The job's uploads, oldest first.
    public func uploads(jobId: String) async throws -> [UploadRecord] {
        try await read { db in
            try UploadRecord.fetchAll(
                db, sql: "SELECT * FROM uploads WHERE job_id = ? ORDER BY initiated_ms, rowid", arguments: [jobId])
        }
    }

    /// The job's most recent upload that is still open: the one a resumed run continues.
    public func openUpload(jobId: String) async throws -> UploadRecord? {
        try await read { db in
            try UploadRecord.fetchOne(
                db,
                sql: "SELECT * FROM uploads WHERE job_id = ? AND state = ? ORDER BY initiated_ms DESC, rowid DESC LIMIT 1",
                arguments: [jobId, UploadState.open.rawValue])
        }
    }

    /// Every upload in `state`, oldest first; `hoist uploads list` starts from the open ones.
    public func uploads(in state: UploadState) async throws -> [UploadRecord] {
        try await read { db in
            try UploadRecord.fetchAll(
                db, sql: "SELECT * FROM uploads WHERE state = ? ORDER BY initiated_ms, rowid",
                arguments: [state.rawValue])
        }
    }

    /// Marks an upload completed after CompleteMultipartUpload succeeded. Its part rows stay:
    /// they hold the CRCs the object check combines.
    public func markUploadCompleted(uploadId: String, at date: Date = Date()) async throws {
        try await finish(uploadId: uploadId, as: .completed, from: [.open], at: date)
    }

    /// Marks an upload aborted: OSS confirmed AbortMultipartUpload, or said `NoSuchUpload`.
    /// No part can be recorded for it afterwards. An upload whose abort was pending may be
    /// marked aborted; a completed one may not.
    public func markUploadAborted(uploadId: String, at date: Date = Date()) async throws {
        try await finish(uploadId: uploadId, as: .aborted, from: [.open, .aborting], at: date)
    }

    /// Marks an upload as to be aborted when OSS has not confirmed the abort: its parts are
    /// still billed, so it stays listed (`uploads(in: .aborting)`) until a later abort succeeds.
    /// No part can be recorded for it afterwards.
    public func markUploadAborting(uploadId: String, at date: Date = Date()) async throws {
        try await finish(uploadId: uploadId, as: .aborting, from: [.open], at: date)
    }

    /// Compare-and-set: the row moves only from one of `allowed`, checked and written in one
    /// immediate transaction, so two writers cannot both move it.
    private func finish(uploadId: String, as state: UploadState, from allowed: Set<UploadState> = [.open],
                        at date: Date) async throws {
        try await write { db in
            let upload = try Self.requireUpload(db, id: uploadId)
            if upload.state == state { return }
            guard allowed.contains(upload.state) else {
                throw JournalError.uploadNotOpen(uploadId: uploadId, state: upload.state)
            }
            try db.execute(
                sql: "UPDATE uploads SET state = ?, finished_ms = ? WHERE upload_id = ? AND state = ?",
                arguments: [state.rawValue, JournalValues.milliseconds(date), uploadId, upload.state.rawValue])
        }
    }

    // MARK: - Parts

    /// Records a part that OSS acknowledged and whose CRC-64 matched: one durable transaction.
    ///
    /// Re-recording a part number replaces the row, as OSS replaces a re-uploaded part. The
    /// part must lie where the upload's plan puts it; anything else is a bug upstream and is
    /// refused rather than written.
    public func recordPart(
        uploadId: String, number: Int, offset: Int64, size: Int64, etag: String, crc64: UInt64,
        completedAt: Date = Date()
    ) async throws {
        try await write { db in
            let upload = try Self.requireUpload(db, id: uploadId)
            guard upload.state == .open else { throw JournalError.uploadNotOpen(uploadId: uploadId, state: upload.state) }
            try Self.validate(number: number, offset: offset, size: size, in: upload)
            // A cached statement: the hot path of an upload is this one INSERT, prepared once.
            let statement = try db.cachedStatement(sql: """
                INSERT INTO parts (upload_id, part_number, offset, size, etag, crc64, completed_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (upload_id, part_number) DO UPDATE SET
                    offset = excluded.offset, size = excluded.size, etag = excluded.etag,
                    crc64 = excluded.crc64, completed_ms = excluded.completed_ms
                """)
            try statement.execute(arguments: [
                uploadId, number, offset, size, etag, JournalValues.stored(crc64),
                JournalValues.milliseconds(completedAt),
            ])
        }
    }

    /// Records a planned part; the same as the form with explicit offset and size.
    public func recordPart(
        uploadId: String, part: PartPlan.Part, etag: String, crc64: UInt64, completedAt: Date = Date()
    ) async throws {
        try await recordPart(uploadId: uploadId, number: part.number, offset: part.offset, size: part.length,
                             etag: etag, crc64: crc64, completedAt: completedAt)
    }

    /// The recorded parts of an upload, by part number.
    public func completedParts(uploadId: String) async throws -> [PartRecord] {
        try await read { db in
            try PartRecord.fetchAll(
                db, sql: "SELECT * FROM parts WHERE upload_id = ? ORDER BY part_number", arguments: [uploadId])
        }
    }

    /// Forgets parts the server does not have (or has with another size or CRC), so they are
    /// sent again. Returns how many rows were removed.
    @discardableResult
    public func forgetParts(uploadId: String, numbers: some Sequence<Int>) async throws -> Int {
        let numbers = Array(numbers)
        return try await write { db in
            let statement = try db.cachedStatement(sql: "DELETE FROM parts WHERE upload_id = ? AND part_number = ?")
            var removed = 0
            for number in numbers {
                try statement.execute(arguments: [uploadId, number])
                removed += db.changesCount
            }
            return removed
        }
    }

    static func validate(number: Int, offset: Int64, size: Int64, in upload: UploadRecord) throws {
        guard (1...upload.partCount).contains(number) else {
            throw JournalError.invalidPart("part \(number) is outside 1...\(upload.partCount) of upload \(upload.uploadId)")
        }
        guard offset == Int64(number - 1) * upload.partSize else {
            throw JournalError.invalidPart(
                "part \(number) at offset \(offset), expected \(Int64(number - 1) * upload.partSize)")
        }
        guard size > 0, size <= upload.partSize else {
            throw JournalError.invalidPart("part \(number) has \(size) bytes, the part size is \(upload.partSize)")
        }
    }

    static func fetchUpload(_ db: Database, id: String) throws -> UploadRecord? {
        try UploadRecord.fetchOne(db, sql: "SELECT * FROM uploads WHERE upload_id = ?", arguments: [id])
    }

    static func requireUpload(_ db: Database, id: String) throws -> UploadRecord {
        guard let upload = try fetchUpload(db, id: id) else { throw JournalError.uploadNotFound(id) }
        return upload
    }
}
