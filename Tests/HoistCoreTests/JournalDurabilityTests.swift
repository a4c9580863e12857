import Foundation
import Testing
@testable import HoistCore

/// The journal must outlive the process that wrote it. These tests reopen it in a new instance
/// and, where the `sqlite3` shell is installed, read and write it from a separate process.
@Suite struct JournalDurabilityTests {
    static let sqlite3 = "/usr/bin/sqlite3"
    static var hasSQLite3: Bool { FileManager.default.isExecutableFile(atPath: sqlite3) }

    /// Runs the sqlite3 shell on `database` with `script` on stdin and returns its stdout.
    func sqlite(_ database: String, _ script: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.sqlite3)
        process.arguments = ["-batch", database]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(script.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Fills a journal with one of everything.
    func populate(_ journal: UploadJournal) async throws -> (JobRecord, UploadRecord) {
        let job = try await journal.createJob(JournalSamples.newJob())
        try await journal.updateState(jobId: job.id, to: .uploading)
        let upload = try await journal.recordUpload(jobId: job.id, uploadId: "U1", partSize: 1 << 20, partCount: 3)
        try await journal.recordPart(uploadId: "U1", number: 1, offset: 0, size: 1 << 20, etag: "a",
                                     crc64: 0xFFFF_FFFF_FFFF_FFFF)
        try await journal.recordPart(uploadId: "U1", number: 2, offset: 1 << 20, size: 1 << 20, etag: "b",
                                     crc64: 0x8000_0000_0000_0000)
        try await journal.recordImport(ImportRecord(clientToken: "tok-1", jobId: job.id, region: "cn-hangzhou",
                                                    imageName: "disk", state: "Pending"))
        return (try await journal.job(id: job.id)!, upload)
    }

    @Test func everythingSurvivesReopening() async throws {
        let dir = try ScratchDirectory()
        var first: UploadJournal? = try dir.journal()
        let (job, upload) = try await populate(first!)
        let parts = try await first!.completedParts(uploadId: "U1")
        let imports = try await first!.imports(jobId: job.id)
        try first?.close()
        first = nil

        let second = try dir.journal()
        #expect(try await second.job(id: job.id) == job)
        #expect(try await second.openUpload(jobId: job.id) == upload)
        #expect(try await second.completedParts(uploadId: "U1") == parts)
        #expect(try await second.completedParts(uploadId: "U1").map(\.crc64)
            == [0xFFFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000])
        #expect(try await second.imports(jobId: job.id) == imports)
    }

    @Test(.enabled(if: hasSQLite3))
    func anotherProcessSeesEveryCommitAtOnce() async throws {
        let dir = try ScratchDirectory()
        let journal = try dir.journal()
        let (job, _) = try await populate(journal)
        // The writer is still open: the rows must already be in the database files.
        let seen = try sqlite(journal.path, """
            SELECT state FROM jobs WHERE id = '\(job.id)';
            SELECT group_concat(part_number || ':' || crc64, ',') FROM parts WHERE upload_id = 'U1';
            PRAGMA integrity_check;
            """)
        #expect(seen == "uploading\n1:-1,2:-9223372036854775808\nok")
    }

    @Test(.enabled(if: hasSQLite3))
    func writesFromAnotherProcessAreReadAndWaitedFor() async throws {
        let dir = try ScratchDirectory()
        let journal = try dir.journal()
        _ = try await populate(journal)
        // The other process holds the write lock for a second; busy_timeout lets our write wait.
        let locked = dir.file("locked")
        let holder = Task.detached {
            try sqlite(journal.path, """
                .timeout 5000
                BEGIN IMMEDIATE;
                INSERT INTO parts VALUES ('U1', 3, 2097152, 5, '"c"', -2, 0);
                .shell touch '\(locked)' && sleep 1
                COMMIT;
                """)
        }
        for _ in 0..<500 where !FileManager.default.fileExists(atPath: locked) {
            try await Task.sleep(for: .milliseconds(20))
        }
        try #require(FileManager.default.fileExists(atPath: locked), "sqlite3 did not take the lock")
        try await journal.recordPart(uploadId: "U1", number: 2, offset: 1 << 20, size: 1 << 20, etag: "b2", crc64: 7)
        // Our write began while the other process held the lock, so it can only have landed after
        // that transaction committed: its row is already visible.
        #expect(try await journal.completedParts(uploadId: "U1").map(\.number).contains(3),
                "the write waited for the other process's lock")
        _ = try await holder.value
        let parts = try await journal.completedParts(uploadId: "U1")
        #expect(parts.map(\.number) == [1, 2, 3])
        #expect(parts[1].etag == "b2")
        #expect(parts[2].crc64 == 0xFFFF_FFFF_FFFF_FFFE)
    }
}
