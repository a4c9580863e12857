import Foundation
import Testing
@testable import HoistCore

@Suite struct SourceIdentityTests {
    func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    /// Sets a file's mtime to an exact nanosecond value, as a rebuild within the same second could.
    func setMTime(_ path: String, nanoseconds: Int64) {
        var times = [timespec(tv_sec: 0, tv_nsec: (1 << 30) - 2),  // UTIME_OMIT: leave atime alone
                     timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))]
        #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
    }

    @Test func statAndFstatAgree() throws {
        let dir = try ScratchDirectory()
        let path = dir.file("disk.raw")
        try write("hello", to: path)
        let byPath = try SourceIdentity(path: path)
        #expect(byPath.size == 5)
        #expect(byPath.inode != 0)
        #expect(byPath.mtimeNanoseconds > 1_600_000_000 * 1_000_000_000)
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        #expect(try SourceIdentity(fileDescriptor: fd) == byPath)
        #expect(byPath.change(to: byPath) == nil)
    }

    @Test func sizeChangeIsDescribed() throws {
        let dir = try ScratchDirectory()
        let path = dir.file("disk.raw")
        try write("abc", to: path)
        let before = try SourceIdentity(path: path)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data("def".utf8))
        try handle.close()
        let after = try SourceIdentity(path: path)
        #expect(after != before)
        #expect(before.change(to: after) == "size changed from 3 to 6 bytes")
    }

    @Test func replacedFileIsDescribedByInode() throws {
        let dir = try ScratchDirectory()
        let path = dir.file("disk.raw")
        try write("abc", to: path)
        let before = try SourceIdentity(path: path)
        try write("xyz", to: dir.file("new.raw"))
        #expect(rename(dir.file("new.raw"), path) == 0)
        let after = try SourceIdentity(path: path)
        let change = try #require(before.change(to: after))
        #expect(change.hasPrefix("file was replaced (inode \(before.inode) is now inode \(after.inode)"))
    }

    @Test func sameSizeRewriteIsDescribedByMTime() throws {
        let dir = try ScratchDirectory()
        let path = dir.file("disk.raw")
        try write("abc", to: path)
        setMTime(path, nanoseconds: 1_704_164_645_000_000_005)
        let before = try SourceIdentity(path: path)
        #expect(before.mtimeNanoseconds == 1_704_164_645_000_000_005)
        setMTime(path, nanoseconds: 1_704_164_645_000_000_006)
        let after = try SourceIdentity(path: path)
        #expect(before.change(to: after)
            == "modified at 2024-01-02T03:04:05.000000006Z, after the upload started "
            + "(recorded 2024-01-02T03:04:05.000000005Z)")
    }

    @Test func timestampsBeforeTheEpoch() {
        #expect(SourceIdentity.timestamp(-1) == "1969-12-31T23:59:59.999999999Z")
        #expect(SourceIdentity.timestamp(0) == "1970-01-01T00:00:00.000000000Z")
    }

    @Test func missingFileIsAReadableError() {
        #expect {
            try SourceIdentity(path: "/nonexistent/hoist/disk.raw")
        } throws: { error in
            "\(error)" == "cannot examine /nonexistent/hoist/disk.raw: No such file or directory"
        }
    }

    @Test func identityRoundTripsThroughCodable() throws {
        let identity = SourceIdentity(device: .max, inode: 1 << 63, size: 1, mtimeNanoseconds: -5)
        let data = try JSONEncoder().encode(identity)
        #expect(try JSONDecoder().decode(SourceIdentity.self, from: data) == identity)
    }
}
