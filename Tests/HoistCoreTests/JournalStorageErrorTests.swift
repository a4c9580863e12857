import Foundation
import GRDB
import Testing
@testable import HoistCore

/// A journal file that is not a journal is named, with the way to rebuild it, on real SQLite.
@Suite struct JournalStorageErrorTests {
    @Test func garbageFileIsDamagedAndNamed() throws {
        let dir = try ScratchDirectory()
        let path = dir.file("journal.sqlite")
        try Data(repeating: 0x5A, count: 8192).write(to: URL(fileURLWithPath: path))
        do {
            _ = try UploadJournal(path: path)
            Issue.record("a garbage file opened as a journal")
        } catch let error as JournalStorageError {
            #expect(error.kind == .damaged)
            #expect(error.description.contains(path) && error.description.contains("move it aside"))
        }
    }

    @Test func sqliteFailuresMapByResultCode() {
        let full = JournalStorageError.map(DatabaseError(resultCode: .SQLITE_FULL, message: "database or disk is full"), path: "/j")
        #expect((full as? JournalStorageError)?.kind == .full)
        #expect("\(full)".contains("/j") && "\(full)".contains("no space left"))
        let corrupt = JournalStorageError.map(DatabaseError(resultCode: .SQLITE_CORRUPT), path: "/j")
        #expect((corrupt as? JournalStorageError)?.kind == .damaged)
        // Not about the file: unchanged.
        let constraint = JournalStorageError.map(DatabaseError(resultCode: .SQLITE_CONSTRAINT), path: "/j")
        #expect(constraint is DatabaseError)
        #expect(JournalStorageError.map(JournalError.jobNotFound("x"), path: "/j") as? JournalError == .jobNotFound("x"))
    }
}
