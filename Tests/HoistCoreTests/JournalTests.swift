import Foundation
import GRDB
import Testing
@testable import HoistCore

@Suite struct JournalTests {
    @Test func migrationCreatesTheSchema() async throws {
        let dir = try ScratchDirectory()
        let journal = try dir.journal()
        let (tables, migrations) = try await journal.pool.read { db in
            (try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'grdb%' ORDER BY name"),
             try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations"))
        }
        #expect(tables == ["imports", "jobs", "parts", "uploads"])
        #expect(migrations == ["v1", "v2", "v3", "v4"])
        // Opening again runs no migration twice.
        _ = try dir.journal()
    }

    @Test func writerIsWALWithFullSync() async throws {
        let dir = try ScratchDirectory()
        let journal = try dir.journal()
        let (mode, sync, timeout, foreignKeys) = try await journal.pool.write { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"),
             try Int.fetchOne(db, sql: "PRAGMA synchronous"),
             try Int.fetchOne(db, sql: "PRAGMA busy_timeout"),
             try Bool.fetchOne(db, sql: "PRAGMA foreign_keys"))
        }
        #expect(mode == "wal")
        #expect(sync == 2, "2 is FULL; GRDB's WAL default would be 1 (NORMAL)")
        #expect(timeout == 10_000)
        #expect(foreignKeys == true)
    }

    @Test func journalFromANewerHoistIsRefused() async throws {
        let dir = try ScratchDirectory()
        let journal = try dir.journal()
        try await journal.pool.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99')")
        }
        #expect(throws: JournalError.writtenByNewerVersion(path: dir.file("journal.sqlite"))) {
            try dir.journal()
        }
    }

    @Test func createFindAndListJobs() async throws {
        let dir = try ScratchDirectory()
        let journal = try dir.journal()
        let first = try await journal.createJob(JournalSamples.newJob())
        #expect(first.id.wholeMatch(of: /j-[0-9a-f]{8}/) != nil)
        #expect(first.state == .pending)
        #expect(first.bytesTotal == JournalSamples.identity.size)
        #expect(first.source == JournalSamples.identity)
        #expect(first.error == nil && first.objectCRC64 == nil)
        #expect(first.lastRun == RunStats())

        let other = try await journal.createJob(JournalSamples.newJob(key: "images/other.qcow2"))
        let again = try await journal.createJob(JournalSamples.newJob())
        #expect(Set([first.id, other.id, again.id]).count == 3)

        let found = try await journal.findJob(sourcePath: "/var/spool/hoist/incoming/disk.qcow2",
                                              bucket: "examplebucket", key: "images/disk.qcow2")
        #expect(found == again, "the newest job for a destination wins")
        #expect(try await journal.findJob(sourcePath: "/nope", bucket: "examplebucket", key: "images/disk.qcow2") == nil)
        #expect(try await journal.job(id: other.id) == other)
        #expect(try await journal.job(id: "j-00000000") == nil)
        #expect(try await journal.jobs().map(\.id) == [first.id, other.id, again.id])
    }

    @Test func happyPathStateTransitions() async throws {
        let journal = try ScratchDirectory().journal()
        let job = try await journal.createJob(JournalSamples.newJob())
        for state in [JobState.uploading, .uploading, .verifying, .uploaded, .importing, .available] {
            let updated = try await journal.updateState(jobId: job.id, to: state)
            #expect(updated.state == state)
            #expect(updated.updatedAt >= job.updatedAt)
        }
        #expect(try await journal.jobs(in: [.available]).map(\.id) == [job.id])
        #expect(try await journal.jobs(in: [.pending, .uploading]).isEmpty)
    }

    @Test func invalidTransitionsAreRejected() async throws {
        let journal = try ScratchDirectory().journal()
        let job = try await journal.createJob(JournalSamples.newJob())
        await #expect(throws: JournalError.invalidTransition(jobId: job.id, from: .pending, to: .importing)) {
            try await journal.updateState(jobId: job.id, to: .importing)
        }
        try await journal.updateState(jobId: job.id, to: .uploading)
        // Importing an object that was never verified must be impossible.
        await #expect(throws: JournalError.invalidTransition(jobId: job.id, from: .uploading, to: .uploaded)) {
            try await journal.updateState(jobId: job.id, to: .uploaded)
        }
        await #expect(throws: JournalError.jobNotFound("j-ffffffff")) {
            try await journal.updateState(jobId: "j-ffffffff", to: .failed)
        }
        #expect(try await journal.job(id: job.id)?.state == .uploading)
    }

    @Test func failureRecordsErrorAndRetryClearsIt() async throws {
        let journal = try ScratchDirectory().journal()
        let job = try await journal.createJob(JournalSamples.newJob())
        let failed = try await journal.updateState(jobId: job.id, to: .failed, error: "bucket does not exist")
        #expect(failed.state == .failed && failed.error == "bucket does not exist")
        await #expect(throws: JournalError.self) { try await journal.updateState(jobId: job.id, to: .uploading) }
        let retried = try await journal.updateState(jobId: job.id, to: .pending)
        #expect(retried.error == nil)
    }

    @Test func transitionTableIsClosed() {
        for state in JobState.allCases {
            #expect(state.canMove(to: state))
            #expect(!JobState.available.canMove(to: state) || state == .available)
        }
        #expect(!JobState.cancelled.canMove(to: .uploading))
        #expect(JobState.pending.canMove(to: .verifying))
        #expect(JobState.verifying.canMove(to: .uploading))
    }

    @Test func sourceRunStatsAndObjectCRC() async throws {
        let journal = try ScratchDirectory().journal()
        let job = try await journal.createJob(JournalSamples.newJob())
        try await journal.recordObjectCRC(jobId: job.id, crc64: 0xFFFF_FFFF_FFFF_FFFF)
        #expect(try await journal.job(id: job.id)?.objectCRC64 == 0xFFFF_FFFF_FFFF_FFFF)

        let stats = RunStats(startedAt: Date(timeIntervalSince1970: 1_700_000_000.1234),
                             finishedAt: Date(timeIntervalSince1970: 1_700_000_042.5),
                             bytesSent: 12_345, bytesResent: 1_024, durationMilliseconds: 42_377)
        try await journal.recordRunStats(jobId: job.id, stats)
        #expect(try await journal.job(id: job.id)?.lastRun == stats)

        let changed = SourceIdentity(device: .max, inode: 1 << 63, size: 99, mtimeNanoseconds: 7)
        let updated = try await journal.updateSource(jobId: job.id, identity: changed, partSize: 2 << 20)
        #expect(updated.source == changed)
        #expect(updated.bytesTotal == 99 && updated.partSize == 2 << 20)
        #expect(updated.objectCRC64 == nil, "the old content's CRC no longer applies")
        await #expect(throws: JournalError.jobNotFound("j-12345678")) {
            try await journal.recordObjectCRC(jobId: "j-12345678", crc64: 1)
        }
    }
}
