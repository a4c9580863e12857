import Foundation
import Testing
@testable import HoistCore

@Suite struct JournalStateDirectoryTests {
    @Test func rootUsesVarLib() throws {
        let dir = try StateDirectory.resolve(environment: ["HOME": "/root", "XDG_STATE_HOME": "/x"], effectiveUserID: 0)
        #expect(dir.path == "/var/lib/hoist")
        #expect(dir.journalPath == "/var/lib/hoist/journal.sqlite")
    }

    @Test func userPrefersXDGStateHome() throws {
        let dir = try StateDirectory.resolve(environment: ["HOME": "/home/u", "XDG_STATE_HOME": "/home/u/st"],
                                             effectiveUserID: 1000)
        #expect(dir.path == "/home/u/st/hoist")
    }

    @Test func relativeXDGStateHomeIsIgnored() throws {
        let dir = try StateDirectory.resolve(environment: ["HOME": "/home/u", "XDG_STATE_HOME": "rel"],
                                             effectiveUserID: 1000)
        #expect(dir.path == "/home/u/.local/state/hoist")
    }

    /// The unit's `StateDirectory=hoist` as systemd passes it to the service's own user: the
    /// journal is `/var/lib/hoist/journal.sqlite`, the same one `sudo hoist status` reads.
    @Test func theUnitsStateDirectoryIsTheJournals() throws {
        let unit = ["HOME": "/var/lib/hoist", "STATE_DIRECTORY": "/var/lib/hoist:/var/lib/other"]
        #expect(try StateDirectory.resolve(environment: unit, effectiveUserID: 998).path == "/var/lib/hoist")
        #expect(try StateDirectory.resolve(environment: [:], effectiveUserID: 0).path == "/var/lib/hoist", "root agrees")
        #expect(try StateDirectory.resolve(override: "/srv/hoist", environment: unit, effectiveUserID: 998).path == "/srv/hoist")
        #expect(try StateDirectory.resolve(environment: ["HOME": "/home/u", "STATE_DIRECTORY": "relative"],
                                           effectiveUserID: 1000).path == "/home/u/.local/state/hoist")
    }

    @Test func overrideWins() throws {
        let dir = try StateDirectory.resolve(override: "/srv/hoist", environment: [:], effectiveUserID: 0)
        #expect(dir.path == "/srv/hoist")
    }

    @Test func createMakesPrivateDirectories() throws {
        let scratch = try ScratchDirectory()
        let dir = try StateDirectory(path: scratch.file("a/b/hoist")).create()
        for path in [scratch.file("a"), scratch.file("a/b"), dir.path] {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect((attributes[.posixPermissions] as? Int).map { $0 & 0o777 } == 0o700, "\(path)")
        }
        // Creating again is fine.
        try dir.create()
        let journal = try UploadJournal.open(in: dir)
        #expect(journal.path == dir.journalPath)
    }

    @Test func aFileInTheWayIsReported() throws {
        let scratch = try ScratchDirectory()
        _ = FileManager.default.createFile(atPath: scratch.file("f"), contents: Data())
        #expect(throws: StateDirectoryError.notADirectory(scratch.file("f"))) {
            try StateDirectory(path: scratch.file("f/hoist")).create()
        }
    }
}
