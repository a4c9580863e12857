import Foundation
import GRDB

extension UploadJournal {
    /// Creates a job in state `pending` and returns it with its new id. Its key is expanded
    /// here from `new.keyTemplate`, once, with the new id and creation time, so `{job}`,
    /// `{date}` and `{time}` name this job for ever.
    public func createJob(_ new: NewJob) async throws -> JobRecord {
        try await write { db in
            let now = Self.now()
            for _ in 0..<16 {
                let id = JobID.random()
                let taken = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM jobs WHERE id = ?)", arguments: [id])
                if taken == true { continue }
                let context = NameTemplate.Context(fileName: NameTemplate.fileName(of: new.sourcePath), jobId: id,
                                                   created: JournalValues.date(now))
                guard let key = new.keyTemplate.expand(context) else {
                    throw JournalError.invalidKey(new.keyTemplate.text)
                }
                try db.execute(
                    sql: """
                        INSERT INTO jobs (id, source_path, source_device, source_inode, source_size, source_mtime_ns,
                                          source_ctime_ns, source_birth_ns, bucket, key, key_template,
                                          endpoint, part_size, state, bytes_total, created_ms, updated_ms)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        id, new.sourcePath, JournalValues.stored(new.source.device),
                        JournalValues.stored(new.source.inode), new.source.size, new.source.mtimeNanoseconds,
                        new.source.ctimeNanoseconds, new.source.birthNanoseconds,
                        new.bucket, key, new.keyTemplate.text, new.endpoint, new.partSize, JobState.pending.rawValue,
                        new.source.size, now, now,
                    ])
                return try Self.fetchJob(db, id: id)
            }
            // 16 collisions in a row among 2^32 ids means the random source is broken.
            throw JournalError.notDurable("could not find an unused job id")
        }
    }

    /// The job with this id, or `nil`.
    public func job(id: String) async throws -> JobRecord? {
        try await read { db in
            try JobRecord.fetchOne(db, sql: "SELECT * FROM jobs WHERE id = ?", arguments: [id])
        }
    }

    /// The most recently created job that uploads `sourcePath` to `bucket`/`key`, or `nil`.
    /// The caller decides from its state whether to resume it or start a new one. Paths are
    /// compared as text, so pass the same absolute, resolved form that created the job.
    ///
    /// `key` is the key as given, a template: a job matches when it was created from the same
    /// template (a rerun of a templated upload finds its job whatever the clock says now), or,
    /// for a literal key, when its expanded key is that key (`hoist import` of the object an
    /// upload made).
    public func findJob(sourcePath: String, bucket: String, key: String) async throws -> JobRecord? {
        let template = (try? NameTemplate(key, allowed: NameTemplate.keyPlaceholders)) ?? NameTemplate.literal(key)
        let literal = template.isLiteral ? template.expand(NameTemplate.Context(fileName: "", jobId: nil, created: Date())) : nil
        return try await read { db in
            try JobRecord.fetchOne(
                db,
                sql: """
                    SELECT * FROM jobs WHERE source_path = ? AND bucket = ? AND (key_template = ? OR key = ?)
                    ORDER BY created_ms DESC, rowid DESC LIMIT 1
                    """,
                arguments: [sourcePath, bucket, template.text, literal])
        }
    }

    /// The most recently created job of `sourcePath`, whatever its object.
    public func latestJob(sourcePath: String) async throws -> JobRecord? {
        try await read { db in
            try JobRecord.fetchOne(db, sql: "SELECT * FROM jobs WHERE source_path = ? ORDER BY created_ms DESC, rowid DESC LIMIT 1",
                                   arguments: [sourcePath])
        }
    }

    /// Every job other than `excluding` whose object is `bucket`/`key` (the expanded key), newest
    /// first: the builds that share one object over time.
    public func jobs(bucket: String, key: String, excluding: String? = nil) async throws -> [JobRecord] {
        try await read { db in
            try JobRecord.fetchAll(
                db,
                sql: "SELECT * FROM jobs WHERE bucket = ? AND key = ? AND id IS NOT ? ORDER BY created_ms DESC, rowid DESC",
                arguments: [bucket, key, excluding])
        }
    }

    /// Every job, oldest first; `states` narrows the list (for example to unfinished jobs).
    public func jobs(in states: Set<JobState>? = nil) async throws -> [JobRecord] {
        try await read { db in
            let all = try JobRecord.fetchAll(db, sql: "SELECT * FROM jobs ORDER BY created_ms, rowid")
            guard let states else { return all }
            return all.filter { states.contains($0.state) }
        }
    }

    /// Moves a job to `state`, recording `error` (and clearing an earlier error when `error` is
    /// `nil`). Throws `JournalError.invalidTransition` for a move `JobState.canMove(to:)` forbids.
    ///
    /// With `expected`, the move is a compare-and-set (`UPDATE … WHERE state = expected`): it
    /// happens only if the job is still in the state the caller last saw, and otherwise throws
    /// `JournalError.stateConflict` without writing, so a runner acting on a stale view never
    /// overwrites what another wrote.
    @discardableResult
    public func updateState(jobId: String, from expected: JobState? = nil, to state: JobState,
                            error: String? = nil) async throws -> JobRecord {
        try await write { db in
            let job = try Self.fetchJob(db, id: jobId)
            let from = expected ?? job.state
            guard job.state == from else {
                throw JournalError.stateConflict(jobId: jobId, expected: from, actual: job.state)
            }
            guard from.canMove(to: state) else {
                throw JournalError.invalidTransition(jobId: jobId, from: from, to: state)
            }
            try db.execute(
                sql: "UPDATE jobs SET state = ?, error = ?, updated_ms = ? WHERE id = ? AND state = ?",
                arguments: [state.rawValue, error, Self.now(), jobId, from.rawValue])
            if db.changesCount == 0 {
                throw JournalError.stateConflict(jobId: jobId, expected: from, actual: try Self.fetchJob(db, id: jobId).state)
            }
            return try Self.fetchJob(db, id: jobId)
        }
    }

    /// Records a new identity and part size for the source, when the file changed and its
    /// upload starts again. The object CRC of the old content no longer applies and is cleared.
    @discardableResult
    public func updateSource(jobId: String, identity: SourceIdentity, partSize: Int64) async throws -> JobRecord {
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE jobs SET source_device = ?, source_inode = ?, source_size = ?, source_mtime_ns = ?,
                                    source_ctime_ns = ?, source_birth_ns = ?,
                                    part_size = ?, bytes_total = ?, object_crc64 = NULL, updated_ms = ?
                    WHERE id = ?
                    """,
                arguments: [
                    JournalValues.stored(identity.device), JournalValues.stored(identity.inode), identity.size,
                    identity.mtimeNanoseconds, identity.ctimeNanoseconds, identity.birthNanoseconds, partSize, identity.size, Self.now(), jobId,
                ])
            return try Self.fetchJob(db, id: jobId)
        }
    }

    /// Replaces the job's last-run figures.
    public func recordRunStats(jobId: String, _ stats: RunStats) async throws {
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE jobs SET run_started_ms = ?, run_finished_ms = ?, run_bytes_sent = ?, run_bytes_resent = ?,
                                    run_duration_ms = ?, updated_ms = ?
                    WHERE id = ?
                    """,
                arguments: [
                    stats.startedAt.map(JournalValues.milliseconds), stats.finishedAt.map(JournalValues.milliseconds),
                    stats.bytesSent, stats.bytesResent, stats.durationMilliseconds, Self.now(), jobId,
                ])
            try Self.requireChange(db, jobId: jobId)
        }
    }

    /// Removes jobs that ended (`available`, `failed`, `cancelled`) before `cutoff`, with their
    /// uploads, parts and import attempts (retention: the journal of a service that runs for
    /// months stays small). A job with an upload still open or whose abort OSS never confirmed
    /// is kept: the journal is how its billed parts are found again. With `dryRun` nothing is
    /// removed. Returns the jobs removed (or that would be), oldest first.
    @discardableResult
    public func pruneJobs(endedBefore cutoff: Date, dryRun: Bool = false) async throws -> [JobRecord] {
        let ended = [JobState.available, .failed, .cancelled].map { "'\($0.rawValue)'" }.joined(separator: ", ")
        let kept = [UploadState.open, .aborting].map { "'\($0.rawValue)'" }.joined(separator: ", ")
        let sql = """
            FROM jobs WHERE state IN (\(ended)) AND updated_ms < ?
              AND NOT EXISTS (SELECT 1 FROM uploads WHERE uploads.job_id = jobs.id AND uploads.state IN (\(kept)))
            """
        let limit = JournalValues.milliseconds(cutoff)
        return try await write { db in
            let victims = try JobRecord.fetchAll(db, sql: "SELECT * " + sql + " ORDER BY created_ms, rowid", arguments: [limit])
            if !dryRun, !victims.isEmpty { try db.execute(sql: "DELETE " + sql, arguments: [limit]) }
            return victims
        }
    }

    /// Records where the agent filed the job's image.
    public func recordFiled(jobId: String, path: String) async throws {
        try await write { db in
            try db.execute(sql: "UPDATE jobs SET filed_path = ?, updated_ms = ? WHERE id = ?",
                           arguments: [path, Self.now(), jobId])
            try Self.requireChange(db, jobId: jobId)
        }
    }

    /// Records the object's CRC-64 once it has been checked against the combined part CRCs.
    public func recordObjectCRC(jobId: String, crc64: UInt64) async throws {
        try await write { db in
            try db.execute(
                sql: "UPDATE jobs SET object_crc64 = ?, updated_ms = ? WHERE id = ?",
                arguments: [JournalValues.stored(crc64), Self.now(), jobId])
            try Self.requireChange(db, jobId: jobId)
        }
    }

    static func fetchJob(_ db: Database, id: String) throws -> JobRecord {
        guard let job = try JobRecord.fetchOne(db, sql: "SELECT * FROM jobs WHERE id = ?", arguments: [id]) else {
            throw JournalError.jobNotFound(id)
        }
        return job
    }

    static func requireChange(_ db: Database, jobId: String) throws {
        if db.changesCount == 0 { throw JournalError.jobNotFound(jobId) }
    }
}
