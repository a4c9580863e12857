import Foundation
import HoistCore
import Testing
@testable import HoistAgent

/// Appends `text` to `path` (creating it), as a slow writer would.
func append(_ text: String, to path: String) throws {
    if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    try handle.seekToEnd()
    try handle.write(contentsOf: Data(text.utf8))
    try handle.close()
}

/// The tracker with real files and times given by the test: what "settled" means, step by step.
@Suite struct DropTrackerTests {
    @Test func aSlowWriterIsNotTakenUntilItStopsChanging() throws {
        let dir = try ScratchDirectory()
        let path = dir.file("disk.qcow2")
        var tracker = DropTracker(settle: 5, minimumAge: 0)
        let wall = Date().timeIntervalSince1970 + 3_600
        try append("part one", to: path)
        tracker.consider(directory: dir.path, name: "disk.qcow2", now: 0)
        #expect(tracker.step(now: 0, wallNow: wall).isEmpty) // first look
        // The writer appends between every two looks: never taken, however long it goes on.
        var now = 0.0
        for chunk in 1...4 {
            try append(" more \(chunk)", to: path)
            now += 5
            #expect(tracker.step(now: now, wallNow: wall).isEmpty, "taken while still growing (chunk \(chunk))")
            #expect(tracker.pending == [path])
        }
        // It stops: the next look agrees with the last one `settle` later, and it is taken once.
        now += 5
        let drops = tracker.step(now: now, wallNow: wall)
        let identity = try #require(EntryLook.of(path)?.identity)
        #expect(drops == [.ready(path: path, identity: identity)])
        #expect(tracker.pending.isEmpty)
        // inotify or a rescan reporting it again does not take it twice.
        tracker.consider(directory: dir.path, name: "disk.qcow2", now: now)
        #expect(tracker.step(now: now, wallNow: wall).isEmpty)
        #expect(tracker.step(now: now + 10, wallNow: wall).isEmpty)
    }

    @Test func aLookBeforeSettleHasPassedDoesNotTakeIt() throws {
        let dir = try ScratchDirectory()
        try append("complete", to: dir.file("a.raw"))
        var tracker = DropTracker(settle: 5, minimumAge: 0)
        let wall = Date().timeIntervalSince1970 + 3_600
        tracker.consider(directory: dir.path, name: "a.raw", now: 100)
        #expect(tracker.step(now: 100, wallNow: wall).isEmpty)
        #expect(tracker.nextDue == 105)
        #expect(tracker.step(now: 104.9, wallNow: wall).isEmpty)
        #expect(tracker.step(now: 105, wallNow: wall).count == 1)
    }

    @Test func aRecentlyModifiedFileWaitsForTheMinimumAge() throws {
        let dir = try ScratchDirectory()
        try append("complete", to: dir.file("a.raw"))
        let modified = Double(try #require(EntryLook.of(dir.file("a.raw"))).identity.mtimeNanoseconds) / 1e9
        var tracker = DropTracker(settle: 1, minimumAge: 30)
        tracker.consider(directory: dir.path, name: "a.raw", now: 0)
        #expect(tracker.step(now: 0, wallNow: modified + 10).isEmpty)
        // Settled in size and mtime, but only 11 s old: 19 s more.
        #expect(tracker.step(now: 1, wallNow: modified + 11).isEmpty)
        #expect(tracker.nextDue == 20)
        #expect(tracker.step(now: 20, wallNow: modified + 30).count == 1)
    }

    @Test func ignoredNamesAndTheResultFoldersAreNeverCandidates() throws {
        let dir = try ScratchDirectory()
        var tracker = DropTracker(settle: 0, minimumAge: 0, excluded: [dir.file("done")])
        for name in [".hidden.qcow2", "disk.qcow2.part", "disk.raw.tmp", "disk.qcow2.toml", "_defaults.toml",
                     "disk.qcow2.result.json", "disk.qcow2.error", "done"] {
            tracker.consider(directory: dir.path, name: name, now: 0)
        }
        #expect(tracker.pending.isEmpty)
    }
}

/// The scanner on a real folder, with inotify and rescans. Every wait is on the drop stream, with
/// a generous bound; nothing depends on how fast the machine is.
@Suite struct DropScannerTests {
    func scanner(_ dir: ScratchDirectory, settle: Double = 0.05) throws -> DropScanner {
        try DropScanner(DropScanner.Configuration(watch: [dir.path], settle: settle, minimumAge: 0, rescanInterval: 600,
                                                  excluded: [dir.file("done"), dir.file("failed")]))
    }

    /// The next `count` drops, or fewer if none comes for a long time.
    func next(_ count: Int, from scanner: DropScanner) async -> [DropScanner.Drop] {
        await withTaskGroup(of: [DropScanner.Drop]?.self) { group in
            group.addTask {
                var drops: [DropScanner.Drop] = []
                for await drop in scanner.drops {
                    drops.append(drop)
                    if drops.count == count { break }
                }
                return drops
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(60))
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? []
        }
    }

    func ready(_ drops: [DropScanner.Drop]) -> [String] {
        drops.compactMap { if case .ready(let path, _) = $0 { path } else { nil } }
    }

    @Test func filesPresentAtStartAreTaken() async throws {
        let dir = try ScratchDirectory()
        try append("one", to: dir.file("a.qcow2"))
        try append("two", to: dir.file("b.raw"))
        try FileManager.default.createDirectory(atPath: dir.file("done"), withIntermediateDirectories: true)
        let scanner = try scanner(dir)
        defer { scanner.stop() }
        let drops = await next(2, from: scanner)
        #expect(Set(ready(drops)) == [dir.file("a.qcow2"), dir.file("b.raw")])
    }

    @Test func aFileRenamedInIsTakenAndIgnoredNamesAreNot() async throws {
        let dir = try ScratchDirectory()
        let outside = try ScratchDirectory()
        let scanner = try scanner(dir)
        defer { scanner.stop() }
        // Ignored names first; had any of them been taken, it would come before the image.
        try append("hidden", to: dir.file(".disk.qcow2"))
        try append("partial", to: dir.file("disk.qcow2.part"))
        try append("manifest", to: dir.file("disk.qcow2.toml"))
        try append("image", to: outside.file("disk.qcow2"))
        #expect(rename(outside.file("disk.qcow2"), dir.file("disk.qcow2")) == 0)
        let drops = await next(1, from: scanner)
        #expect(ready(drops) == [dir.file("disk.qcow2")])
        // A rescan sees everything again and yields nothing new: the image was taken already.
        try append("later", to: dir.file("e.raw"))
        let after = await next(1, from: scanner)
        #expect(ready(after) == [dir.file("e.raw")])
    }

    @Test func symlinksAreReportedAsRefused() async throws {
        let dir = try ScratchDirectory()
        let outside = try ScratchDirectory()
        try append("elsewhere", to: outside.file("real.qcow2"))
        let fileManager = FileManager.default
        // One present at start, one renamed in (IN_MOVED_TO), one made in place (`ln -s` makes no
        // event the scanner asks for: the periodic rescan finds it).
        try fileManager.createSymbolicLink(atPath: dir.file("early.qcow2"), withDestinationPath: outside.file("real.qcow2"))
        let scanner = try DropScanner(DropScanner.Configuration(watch: [dir.path], settle: 0.05, minimumAge: 0,
                                                                rescanInterval: 1))
        defer { scanner.stop() }
        #expect(await next(1, from: scanner) == [.refused(path: dir.file("early.qcow2"), because: .kind(.symbolicLink))])
        try fileManager.createSymbolicLink(atPath: outside.file("moved.qcow2"), withDestinationPath: outside.file("real.qcow2"))
        #expect(rename(outside.file("moved.qcow2"), dir.file("moved.qcow2")) == 0)
        #expect(await next(1, from: scanner) == [.refused(path: dir.file("moved.qcow2"), because: .kind(.symbolicLink))])
        try fileManager.createSymbolicLink(atPath: dir.file("inplace.qcow2"), withDestinationPath: outside.file("real.qcow2"))
        #expect(await next(1, from: scanner) == [.refused(path: dir.file("inplace.qcow2"), because: .kind(.symbolicLink))])
        // The target was never taken.
        #expect(fileManager.fileExists(atPath: outside.file("real.qcow2")))
    }

    @Test func firstScanDoneIsCalledOnce() async throws {
        let dir = try ScratchDirectory()
        try append("one", to: dir.file("a.qcow2"))
        let (signals, signal) = AsyncStream.makeStream(of: Void.self)
        let scanner = try DropScanner(DropScanner.Configuration(watch: [dir.path], settle: 0.05, minimumAge: 0,
                                                                rescanInterval: 600)) { signal.yield() }
        defer { scanner.stop() }
        var iterator = signals.makeAsyncIterator()
        _ = await iterator.next()
        #expect(ready(await next(1, from: scanner)) == [dir.file("a.qcow2")])
    }
}
