import GRDB

/// The journal's tables, built by numbered migrations so that every later change is an
/// additive step that a journal written by an older Hoist survives.
///
/// Conventions: `*_ms` columns are Unix milliseconds; `crc64`, `source_device` and
/// `source_inode` hold a `UInt64` as the `Int64` with the same bits (see `JournalValues`);
/// states are lower-case text guarded by CHECK constraints, so a hand edit or a bug cannot
/// store a state the code cannot read.
enum JournalSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1", migrate: v1)
        migrator.registerMigration("v2", migrate: v2)
        migrator.registerMigration("v3", migrate: v3)
        migrator.registerMigration("v4", migrate: v4)
        return migrator
    }

    static func v1(_ db: Database) throws {
        let jobStates = JobState.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        // v1's upload states as they were then; later states arrive by migration (v2).
        let uploadStates = "'open', 'completed', 'aborted'"
        try db.execute(sql: """
            CREATE TABLE jobs (
                id TEXT PRIMARY KEY NOT NULL,
                source_path TEXT NOT NULL,
                source_device INTEGER NOT NULL,
                source_inode INTEGER NOT NULL,
                source_size INTEGER NOT NULL CHECK (source_size >= 0),
                source_mtime_ns INTEGER NOT NULL,
                bucket TEXT NOT NULL,
                key TEXT NOT NULL,
                endpoint TEXT NOT NULL,
                part_size INTEGER NOT NULL CHECK (part_size > 0),
                state TEXT NOT NULL CHECK (state IN (\(jobStates))),
                error TEXT,
                bytes_total INTEGER NOT NULL CHECK (bytes_total >= 0),
                run_started_ms INTEGER,
                run_finished_ms INTEGER,
                run_bytes_sent INTEGER NOT NULL DEFAULT 0,
                run_bytes_resent INTEGER NOT NULL DEFAULT 0,
                run_duration_ms INTEGER,
                object_crc64 INTEGER,
                created_ms INTEGER NOT NULL,
                updated_ms INTEGER NOT NULL
            );
            CREATE INDEX jobs_by_destination ON jobs (source_path, bucket, key);

            CREATE TABLE uploads (
                upload_id TEXT PRIMARY KEY NOT NULL,
                job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
                bucket TEXT NOT NULL,
                key TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN (\(uploadStates))),
                part_size INTEGER NOT NULL CHECK (part_size > 0),
                part_count INTEGER NOT NULL CHECK (part_count BETWEEN 1 AND 10000),
                initiated_ms INTEGER NOT NULL,
                finished_ms INTEGER
            );
            CREATE INDEX uploads_by_job ON uploads (job_id, initiated_ms);

            CREATE TABLE parts (
                upload_id TEXT NOT NULL REFERENCES uploads (upload_id) ON DELETE CASCADE,
                part_number INTEGER NOT NULL CHECK (part_number BETWEEN 1 AND 10000),
                offset INTEGER NOT NULL CHECK (offset >= 0),
                size INTEGER NOT NULL CHECK (size > 0),
                etag TEXT NOT NULL,
                crc64 INTEGER NOT NULL,
                completed_ms INTEGER NOT NULL,
                PRIMARY KEY (upload_id, part_number)
            ) WITHOUT ROWID;

            CREATE TABLE imports (
                client_token TEXT PRIMARY KEY NOT NULL,
                job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
                region TEXT NOT NULL,
                image_name TEXT NOT NULL,
                task_id TEXT,
                image_id TEXT,
                state TEXT NOT NULL,
                progress INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
                reason TEXT,
                parameters_json TEXT NOT NULL DEFAULT '{}',
                created_ms INTEGER NOT NULL,
                updated_ms INTEGER NOT NULL,
                finished_ms INTEGER
            );
            CREATE INDEX imports_by_job ON imports (job_id, created_ms);
            """)
    }

    /// v2: the source's ctime and birth time, and the `aborting` upload state.
    ///
    /// Rows from v1 get NULL times, which `SourceIdentity.change(to:)` reads as "not recorded"
    /// and leaves out of the comparison, so an upload interrupted before the upgrade resumes
    /// as before (`--verify-local` checks its parts if in doubt). SQLite cannot change a CHECK
    /// constraint in place, so `uploads` is rebuilt (SQLite's documented procedure; GRDB runs
    /// migrations with foreign keys off and checks them before committing).
    static func v2(_ db: Database) throws {
        let uploadStates = UploadState.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        try db.execute(sql: """
            ALTER TABLE jobs ADD COLUMN source_ctime_ns INTEGER;
            ALTER TABLE jobs ADD COLUMN source_birth_ns INTEGER;

            CREATE TABLE uploads_v2 (
                upload_id TEXT PRIMARY KEY NOT NULL,
                job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
                bucket TEXT NOT NULL,
                key TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN (\(uploadStates))),
                part_size INTEGER NOT NULL CHECK (part_size > 0),
                part_count INTEGER NOT NULL CHECK (part_count BETWEEN 1 AND 10000),
                initiated_ms INTEGER NOT NULL,
                finished_ms INTEGER
            );
            INSERT INTO uploads_v2 (upload_id, job_id, bucket, key, state, part_size, part_count, initiated_ms,
                                    finished_ms)
                SELECT upload_id, job_id, bucket, key, state, part_size, part_count, initiated_ms, finished_ms
                FROM uploads;
            DROP TABLE uploads;
            ALTER TABLE uploads_v2 RENAME TO uploads;
            CREATE INDEX uploads_by_job ON uploads (job_id, initiated_ms);
            """)
    }

    /// v3: one image per build. A job keeps the key template it was created from (a rerun
    /// finds the job by it; the expanded key stays in `key`), and an import attempt keeps its
    /// name template and the proof that its image is this build's. Old rows get NULL: their
    /// key and name are literal, and their provenance was never recorded.
    static func v3(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE jobs ADD COLUMN key_template TEXT;
            CREATE INDEX jobs_by_template ON jobs (source_path, bucket, key_template);
            ALTER TABLE imports ADD COLUMN name_template TEXT;
            ALTER TABLE imports ADD COLUMN provenance TEXT;
            """)
    }

    /// v4: where the agent filed a job's image (`done/…`, `failed/…`), for `hoist status`.
    static func v4(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE jobs ADD COLUMN filed_path TEXT")
    }
}
