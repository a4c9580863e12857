import Foundation
import GRDB

extension UploadJournal {
    /// Writes an import attempt, inserting it or replacing the row with the same ClientToken.
    ///
    /// The import code calls this with the new token before the first ImportImage call, then
    /// again with the TaskId and ImageId as soon as the call returns, and on every progress
    /// change. `updatedAt` is set to now; `createdAt` of an existing row is kept.
    @discardableResult
    public func recordImport(_ record: ImportRecord) async throws -> ImportRecord {
        try await write { db in
            let now = Self.now()
            try db.execute(
                sql: """
                    INSERT INTO imports (client_token, job_id, region, image_name, name_template, provenance, task_id,
                                         image_id, state, progress, reason, parameters_json, created_ms, updated_ms,
                                         finished_ms)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (client_token) DO UPDATE SET
                        region = excluded.region, image_name = excluded.image_name,
                        name_template = excluded.name_template, provenance = excluded.provenance,
                        task_id = excluded.task_id,
                        image_id = excluded.image_id, state = excluded.state, progress = excluded.progress,
                        reason = excluded.reason, parameters_json = excluded.parameters_json,
                        updated_ms = excluded.updated_ms, finished_ms = excluded.finished_ms
                    """,
                arguments: [
                    record.clientToken, record.jobId, record.region, record.imageName, record.nameTemplate,
                    record.provenance, record.taskId, record.imageId,
                    record.state, record.progress, record.reason, record.parametersJSON,
                    JournalValues.milliseconds(record.createdAt), now,
                    record.finishedAt.map(JournalValues.milliseconds),
                ])
            // A token belongs to one job for ever; reusing it elsewhere would adopt a stranger's task.
            guard let stored = try Self.fetchImport(db, clientToken: record.clientToken),
                stored.jobId == record.jobId
            else {
                throw JournalError.invalidImport("client token \(record.clientToken) belongs to another job")
            }
            return stored
        }
    }

    /// The import attempt with this ClientToken, or `nil`.
    public func importRecord(clientToken: String) async throws -> ImportRecord? {
        try await read { db in try Self.fetchImport(db, clientToken: clientToken) }
    }

    /// A job's import attempts, oldest first.
    public func imports(jobId: String) async throws -> [ImportRecord] {
        try await read { db in
            try ImportRecord.fetchAll(
                db, sql: "SELECT * FROM imports WHERE job_id = ? ORDER BY created_ms, rowid", arguments: [jobId])
        }
    }

    /// The job's newest import attempt: the one a restarted agent keeps polling.
    public func latestImport(jobId: String) async throws -> ImportRecord? {
        try await read { db in
            try ImportRecord.fetchOne(
                db, sql: "SELECT * FROM imports WHERE job_id = ? ORDER BY created_ms DESC, rowid DESC LIMIT 1",
                arguments: [jobId])
        }
    }

    static func fetchImport(_ db: Database, clientToken: String) throws -> ImportRecord? {
        try ImportRecord.fetchOne(db, sql: "SELECT * FROM imports WHERE client_token = ?", arguments: [clientToken])
    }
}
