import Foundation
import Testing
@testable import HoistCore

/// A same-size rewrite whose mtime is put back (`cp -p`, `rsync -t --inplace`) keeps device,
/// inode, size and mtime: only the ctime shows it.
@Suite struct SourceIdentityCTimeTests {
    func restoreMTime(_ path: String, to nanoseconds: Int64) {
        var times = [timespec(tv_sec: 0, tv_nsec: (1 << 30) - 2),  // UTIME_OMIT
                     timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))]
        #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
    }

    @Test func aRewriteWithRestoredMTimeIsAChange() async throws {
        let scratch = try ScratchDirectory()
        let path = scratch.file("disk.raw")
        try Data(repeating: 1, count: 4096).write(to: URL(fileURLWithPath: path))
        let before = try SourceIdentity(path: path)
        #expect(before.ctimeNanoseconds != nil)
        // The ctime has the kernel's timestamp granularity: wait (on the clock, not a timer) until
        // it can differ from the first write's.
        try await waitForCoarseClockTick(after: try #require(before.ctimeNanoseconds))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.write(contentsOf: Data(repeating: 2, count: 4096))
        try handle.close()
        restoreMTime(path, to: before.mtimeNanoseconds)

        let after = try SourceIdentity(path: path)
        #expect(after.size == before.size && after.inode == before.inode && after.mtimeNanoseconds == before.mtimeNanoseconds)
        let change = try #require(before.change(to: after))
        #expect(change.contains("ctime"), "\(change)")
        #expect(change.contains("modification time put back"), "\(change)")
    }

    @Test func aMissingTimeOnEitherSideIsNotAChange() {
        let recorded = SourceIdentity(device: 1, inode: 2, size: 3, mtimeNanoseconds: 4)
        let now = SourceIdentity(device: 1, inode: 2, size: 3, mtimeNanoseconds: 4, ctimeNanoseconds: 5, birthNanoseconds: 6)
        #expect(recorded.change(to: now) == nil)
        #expect(now.change(to: recorded) == nil)
        var later = now
        later.ctimeNanoseconds = 7
        #expect(now.change(to: later) != nil)
    }

    @Test func aReCreatedFileOnTheSameInodeIsAChange() {
        let recorded = SourceIdentity(device: 1, inode: 2, size: 3, mtimeNanoseconds: 4, ctimeNanoseconds: 5, birthNanoseconds: 6)
        var now = recorded
        now.birthNanoseconds = 9
        #expect(recorded.change(to: now)?.contains("re-created") == true)
    }

    @Test func descriptorAndPathAgreeOnTheNewFields() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.file("disk.raw")
        try Data("x".utf8).write(to: URL(fileURLWithPath: path))
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        let byPath = try SourceIdentity(path: path)
        #expect(try SourceIdentity(fileDescriptor: fd) == byPath)
        if let birth = byPath.birthNanoseconds {
            #expect(birth <= byPath.ctimeNanoseconds ?? .max)
        }
    }

    /// Returns once the file-timestamp clock (CLOCK_REALTIME_COARSE) has moved past `nanoseconds`.
    func waitForCoarseClockTick(after nanoseconds: Int64) async throws {
        func coarseNow() -> Int64 {
            var now = timespec()
            clock_gettime(CLOCK_REALTIME_COARSE, &now)
            return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
        }
        while coarseNow() <= nanoseconds { try await Task.sleep(for: .milliseconds(1)) }
    }
}
