import Foundation
import GRDB
import Testing
@testable import HoistCore

/// A journal written before v2 (no ctime or birth time, no `aborting` state) opens, keeps its
/// rows, and its jobs resume on the identity fields they recorded.
@Suite struct JournalMigrationTests {
    /// A database with only the v1 schema and one job, upload and part in it.
    func v1Journal(at path: String) throws {
        let queue = try DatabaseQueue(path: path)
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1", migrate: JournalSchema.v1)
        try migrator.migrate(queue)
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO jobs (id, source_path, source_device, source_inode, source_size, source_mtime_ns, bucket, key,
                                  endpoint, part_size, state, bytes_total, created_ms, updated_ms)
                VALUES ('j-00000001', '/images/old.img', 2049, 77, 3145728, 1700000000000000000, 'images', 'old.img',
                        'https://oss-cn-hangzhou.aliyuncs.com', 1048576, 'uploading', 3145728, 1, 1);
                INSERT INTO uploads (upload_id, job_id, bucket, key, state, part_size, part_count, initiated_ms)
                VALUES ('u-old', 'j-00000001', 'images', 'old.img', 'open', 1048576, 3, 1);
                INSERT INTO parts (upload_id, part_number, offset, size, etag, crc64, completed_ms)
                VALUES ('u-old', 1, 0, 1048576, 'etag1', 12345, 2);
                """)
        }
        try queue.close()
    }

    @Test func aJobFromBeforeTemplatesIsFoundByItsLiteralKey() async throws {
        let scratch = try ScratchDirectory()
        let path = scratch.file("journal.sqlite")
        try v1Journal(at: path)
        let journal = try UploadJournal(path: path)
        let job = try #require(try await journal.findJob(sourcePath: "/images/old.img", bucket: "images", key: "old.img"))
        #expect(job.id == "j-00000001" && job.keyTemplate == nil && job.key == "old.img")
        #expect(try await journal.findJob(sourcePath: "/images/old.img", bucket: "images", key: "{name}") == nil)
    }

    @Test func aTemplatedKeyIsExpandedOnceAndTheJobFoundByItsTemplate() async throws {
        let scratch = try ScratchDirectory()
        let journal = try scratch.journal()
        let template = try NameTemplate("builds/{stem}-{job}.raw", allowed: NameTemplate.keyPlaceholders)
        let new = NewJob(sourcePath: "/in/web.raw", source: JournalSamples.identity, bucket: "images", keyTemplate: template,
                         endpoint: "e", partSize: 1 << 20)
        let job = try await journal.createJob(new)
        #expect(job.key == "builds/web-\(job.id).raw" && job.keyTemplate == template.text)
        let found = try await journal.findJob(sourcePath: "/in/web.raw", bucket: "images", key: template.text)
        #expect(found?.id == job.id && found?.key == job.key, "a rerun finds the job by its template")
        let byObject = try await journal.findJob(sourcePath: "/in/web.raw", bucket: "images", key: job.key)
        #expect(byObject?.id == job.id, "and an import of the object it made finds it by the expanded key")
    }

    @Test func aV1JournalIsMigratedWithItsRows() async throws {
        let scratch = try ScratchDirectory()
        let path = scratch.file("journal.sqlite")
        try v1Journal(at: path)
        let journal = try UploadJournal(path: path)
        let job = try #require(try await journal.job(id: "j-00000001"))
        #expect(job.source.ctimeNanoseconds == nil && job.source.birthNanoseconds == nil)
        #expect(job.state == .uploading)
        // Old rows compare on the fields they have: a file equal in those resumes.
        let now = SourceIdentity(device: 2049, inode: 77, size: 3_145_728, mtimeNanoseconds: 1_700_000_000_000_000_000,
                                 ctimeNanoseconds: 1_800_000_000_000_000_000, birthNanoseconds: 5)
        #expect(job.source.change(to: now) == nil)
        #expect(try await journal.completedParts(uploadId: "u-old").map(\.number) == [1])
        // The new state is accepted by the rebuilt table, and the part's foreign key still holds.
        try await journal.markUploadAborting(uploadId: "u-old")
        #expect(try await journal.upload(id: "u-old")?.state == .aborting)
        // New identities are stored in full.
        let updated = try await journal.updateSource(jobId: job.id, identity: now, partSize: 1_048_576)
        #expect(updated.source == now)
        try journal.close()
        // Reopening runs no migration twice.
        let reopened = try UploadJournal(path: path)
        #expect(try await reopened.job(id: "j-00000001")?.source == now)
    }

    @Test func newJobsRecordCtimeAndBirthTime() async throws {
        let scratch = try ScratchDirectory()
        let journal = try scratch.journal()
        var new = JournalSamples.newJob()
        new.source.ctimeNanoseconds = 1_700_000_001_000_000_007
        new.source.birthNanoseconds = 1_600_000_000_000_000_003
        let job = try await journal.createJob(new)
        #expect(try await journal.job(id: job.id)?.source == new.source)
    }
}
