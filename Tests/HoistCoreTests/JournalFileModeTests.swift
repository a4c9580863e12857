import Foundation
import Testing
@testable import HoistCore

/// The journal and its WAL files are private to their owner, and so is the state directory.
@Suite struct JournalFileModeTests {
    func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as? Int ?? -1) & 0o777
    }

    @Test func aNewJournalIsMode0600() async throws {
        let scratch = try ScratchDirectory()
        let journal = try UploadJournal.open(in: StateDirectory(path: scratch.file("state")))
        _ = try await journal.createJob(JournalSamples.newJob())
        #expect(try mode(journal.path) == 0o600)
        #expect(try mode(journal.path + "-wal") == 0o600)
        #expect(try mode(scratch.file("state")) == 0o700)
    }

    @Test func anExistingWideJournalAndStateDirectoryAreNarrowed() async throws {
        let scratch = try ScratchDirectory()
        let state = scratch.file("state")
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o755])
        do {
            let first = try UploadJournal(path: state + "/journal.sqlite")
            _ = try await first.createJob(JournalSamples.newJob())
            try first.close()
        }
        #expect(chmod(state + "/journal.sqlite", 0o644) == 0)
        #expect(chmod(state, 0o755) == 0)
        let journal = try UploadJournal.open(in: StateDirectory(path: state))
        #expect(try await journal.jobs().count == 1)
        #expect(try mode(state + "/journal.sqlite") == 0o600)
        #expect(try mode(state) == 0o700)
    }
}
