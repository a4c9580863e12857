import Foundation
import Testing
@testable import HoistAgent

@Suite struct DropRulesTests {
    @Test func imagesManifestsAndWhatIsIgnored() {
        #expect(DropRules.classify("disk.qcow2") == .image)
        #expect(DropRules.classify("build 42.raw") == .image)
        #expect(DropRules.classify("disk.qcow2.toml") == .manifest(imageName: "disk.qcow2"))
        #expect(DropRules.classify("_defaults.toml") == .folderDefaults)
        for name in [".disk.qcow2", ".", "..", "disk.qcow2.part", "disk.raw.PARTIAL", "x.tmp", "img.crdownload",
                     "disk.qcow2.result.json", "disk.qcow2.error"] {
            guard case .ignored = DropRules.classify(name) else {
                Issue.record("\(name) should be ignored")
                continue
            }
        }
    }
}

@Suite struct SettleCheckTests {
    let look = SettleCheck.Look(size: 100, mtimeNanoseconds: 1_000 * 1_000_000_000, ctimeNanoseconds: 1_000 * 1_000_000_000)

    @Test func twoEqualLooksSettleApartAndOldEnoughSettle() {
        var check = SettleCheck(settle: 5, minimumAge: 2)
        #expect(check.observe(look, now: 10, wallNow: 1_010) == .lookAgain(at: 15))
        // Too early: the second look must come `settle` after the first.
        #expect(check.observe(look, now: 12, wallNow: 1_012) == .lookAgain(at: 15))
        #expect(check.observe(look, now: 15, wallNow: 1_015) == .settled)
    }

    @Test func aGrowingFileStartsOver() {
        var check = SettleCheck(settle: 5, minimumAge: 0)
        _ = check.observe(look, now: 0, wallNow: 1_000)
        var grown = look
        grown.size = 200
        #expect(check.observe(grown, now: 5, wallNow: 1_005) == .lookAgain(at: 10))
        #expect(check.observe(grown, now: 10, wallNow: 1_010) == .settled)
    }

    @Test func aTouchedFileStartsOverEvenAtTheSameSize() {
        var check = SettleCheck(settle: 1, minimumAge: 0)
        _ = check.observe(look, now: 0, wallNow: 1_000)
        var touched = look
        touched.ctimeNanoseconds += 1
        #expect(check.observe(touched, now: 1, wallNow: 1_001) == .lookAgain(at: 2))
    }

    @Test func aFreshlyModifiedFileWaitsForTheMinimumAge() {
        var check = SettleCheck(settle: 1, minimumAge: 30)
        _ = check.observe(look, now: 0, wallNow: 1_000)
        // mtime is 1,000 s; at wall 1,001 the file is 1 s old: 29 s more.
        #expect(check.observe(look, now: 1, wallNow: 1_001) == .lookAgain(at: 30))
        #expect(check.observe(look, now: 30, wallNow: 1_030) == .settled)
    }
}

@Suite struct DirectoryEventsTests {
    /// Waits for the first event matching `predicate`, failing instead of hanging if none comes.
    func next(_ watcher: DirectoryEvents, where predicate: @escaping @Sendable (DirectoryEvents.Event) -> Bool)
        async -> DirectoryEvents.Event? {
        await withTaskGroup(of: DirectoryEvents.Event?.self) { group in
            group.addTask {
                for await event in watcher.events where predicate(event) { return event }
                return nil
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(30))
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            watcher.stop()
            return first
        }
    }

    @Test func aClosedWriteIsReported() async throws {
        let dir = try ScratchDirectory()
        let watcher = try DirectoryEvents(watching: [dir.path])
        try Data("image".utf8).write(to: URL(fileURLWithPath: dir.file("disk.raw")))
        let event = await next(watcher) { if case .changed = $0 { true } else { false } }
        #expect(event == .changed(directory: dir.path, name: "disk.raw"))
    }

    @Test func aRenameIntoTheFolderIsReported() async throws {
        let dir = try ScratchDirectory()
        let outside = try ScratchDirectory()
        try Data("image".utf8).write(to: URL(fileURLWithPath: outside.file("disk.part")))
        let watcher = try DirectoryEvents(watching: [dir.path])
        #expect(rename(outside.file("disk.part"), dir.file("disk.qcow2")) == 0)
        let event = await next(watcher) { if case .changed = $0 { true } else { false } }
        #expect(event == .changed(directory: dir.path, name: "disk.qcow2"))
    }

    @Test func aMissingDirectoryIsAClearError() throws {
        #expect(throws: DirectoryEvents.Failure.self) { try DirectoryEvents(watching: ["/nonexistent/hoist-watch"]) }
    }
}

@Suite struct ManifestDiscoveryTests {
    @Test func ownManifestThenFolderDefaultsThenNone() {
        let both: Set = ["/in/disk.qcow2.toml", "/in/_defaults.toml"]
        #expect(ManifestDiscovery.manifest(forImage: "/in/disk.qcow2", exists: both.contains) == "/in/disk.qcow2.toml")
        #expect(ManifestDiscovery.manifest(forImage: "/in/other.raw", exists: both.contains) == "/in/_defaults.toml")
        #expect(ManifestDiscovery.manifest(forImage: "/in/disk.qcow2", exists: { _ in false }) == nil)
    }
}
