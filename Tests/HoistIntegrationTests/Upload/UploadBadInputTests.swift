import Foundation
import HoistCore
import HoistEmulator
import Testing
#if canImport(Glibc)
import Glibc
#endif

extension UploadIntegration {
    /// Broken surroundings (a full disk under the journal, a damaged journal, a vanishing
    /// source): each ends in one clear error, and nothing already safe is lost or sent twice.
    @Suite struct BadInputs {
        /// Starts an upload slow enough to interrupt, and waits until `parts` parts are journaled.
        func startSlowUpload(_ scenario: UploadScenario, name: String, seed: UInt64, parts: Int) async throws
            -> (file: String, arguments: [String], child: HoistChild) {
            scenario.server.faults.setBandwidth(BandwidthFault(bytesPerSecond: 1_000_000))
            let file = try scenario.makeFile(name, size: 40 * Int(scenario.partSize), seed: seed)
            let arguments = scenario.arguments(file, key: name)
            let child = try scenario.start(arguments)
            try await waitUntil("\(parts) parts journaled", timeout: 60) {
                try await scenario.journaled(file, key: name).parts.count >= parts
            }
            return (file, arguments, child)
        }

        /// Waits until every UploadPart of a finished child has ended on the server, so receipts
        /// counted from a mark belong to the next run only.
        func settle(_ scenario: UploadScenario) async throws {
            try await waitUntil("in-flight UploadParts to end") {
                scenario.server.counters.requestsInProgress("UploadPart") == 0
            }
        }

        @Test(.enabled(if: StateDirectoryMount.available, "needs root to mount a small tmpfs as the state directory"))
        func fullJournalDiskIsAClearErrorAndTheRunResumesOnceThereIsSpace() async throws {
            try await withScenario { scenario in
                let disk = try StateDirectoryMount(over: scenario.stateDirectory, bytes: 8 << 20)
                defer { disk.unmount() }
                let (file, arguments, child) = try await startSlowUpload(scenario, name: "full.img", seed: 21, parts: 3)
                let filler = try disk.fill()
                let run = await child.wait(timeout: 60)
                let journalPath = scenario.stateDirectory + "/journal.sqlite"
                #expect(run.exitCode == 1, "\(run.output)")
                #expect(run.stderr.contains(journalPath) && run.stderr.contains("no space left"), "\(run.stderr)")
                #expect(await !scenario.objectExists(key: "full.img"))
                #expect(scenario.server.counters.snapshot().requests["CompleteMultipartUpload"] == nil)

                #expect(unlink(filler) == 0)
                scenario.server.faults.clear()
                let before = try await scenario.journaled(file, key: "full.img")
                let uploadId = try #require(before.uploadId)
                #expect(!before.parts.isEmpty)
                try await settle(scenario)
                let mark = scenario.receipts.count
                let resumed = try await scenario.run(arguments)
                #expect(resumed.exitCode == 0, "\(resumed.output)")
                #expect(try await scenario.objectMatches(file, key: "full.img"))
                let sentAgain = Set(scenario.receipts[mark...].filter { $0.uploadId == uploadId }.map(\.partNumber))
                #expect(sentAgain.isDisjoint(with: before.parts), "journaled parts sent again: \(sentAgain.intersection(before.parts).sorted())")
            }
        }

        enum Damage: String, CaseIterable { case overwritten, truncated }

        @Test(arguments: Damage.allCases)
        func damagedJournalIsNamedAndRebuiltFromOSS(damage: Damage) async throws {
            try await withScenario { scenario in
                let name = "damaged-\(damage.rawValue).img"
                let (file, arguments, child) = try await startSlowUpload(scenario, name: name, seed: 22, parts: 4)
                child.signal(SIGTERM)
                #expect(await child.wait(timeout: 30).exitCode == 130)
                let uploadId = try #require(try await scenario.journaled(file, key: name).uploadId)

                let journalPath = scenario.stateDirectory + "/journal.sqlite"
                switch damage {
                case .overwritten:
                    // Every byte, and any WAL too (SQLite would otherwise read the pages from it).
                    for path in [journalPath, journalPath + "-wal"] where FileManager.default.fileExists(atPath: path) {
                        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
                        try Data(repeating: 0x5A, count: size).write(to: URL(fileURLWithPath: path))
                    }
                case .truncated:
                    // Fold the WAL into the file first (closing the last connection checkpoints):
                    // otherwise the cut may fall only on pages the WAL supersedes, and the journal
                    // is rightly found intact.
                    try UploadJournal(path: journalPath).close()
                    var info = stat()
                    #expect(stat(journalPath, &info) == 0)
                    // Three pages and a bit: the header and schema survive, every table page after them is cut
                    // (the second half of the file can be free pages only, which SQLite rightly ignores).
                    #expect(info.st_size > 3 * 4096 + 100)
                    #expect(truncate(journalPath, 3 * 4096 + 100) == 0)
                }
                let refused = try await scenario.run(arguments)
                #expect(refused.exitCode == 1, "\(refused.output)")
                #expect(refused.stderr.contains(journalPath) && refused.stderr.contains("move it aside"), "\(refused.stderr)")

                // The documented rebuild: move the journal aside and run again.
                let aside = journalPath + ".damaged"
                try FileManager.default.createDirectory(atPath: aside, withIntermediateDirectories: true)
                for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: journalPath + suffix) {
                    try FileManager.default.moveItem(atPath: journalPath + suffix, toPath: aside + "/journal.sqlite" + suffix)
                }
                scenario.server.faults.clear()
                // The refused run may have sent parts before it met the damage: count from here.
                try await settle(scenario)
                let onServer = scenario.serverParts(uploadId: uploadId)
                let mark = scenario.receipts.count
                let rebuilt = try await scenario.run(arguments)
                #expect(rebuilt.exitCode == 0, "\(rebuilt.output)")
                #expect(rebuilt.stderr.contains("Found open upload \(uploadId)"), "\(rebuilt.stderr)")
                #expect(try await scenario.objectMatches(file, key: name))
                let sentAgain = Set(scenario.receipts[mark...].map(\.partNumber))
                #expect(sentAgain.isDisjoint(with: onServer), "parts in OSS sent again: \(sentAgain.intersection(onServer).sorted())")
                #expect(sentAgain.union(onServer) == Set(1...40))
            }
        }

        /// A fresh journal meets an open upload of the same key holding another file's bytes:
        /// nothing of it is kept, every part is sent, and the object is this file.
        @Test func strangersOpenUploadOfTheKeyIsNotTrusted() async throws {
            try await withScenario { scenario in
                let (first, _, child) = try await startSlowUpload(scenario, name: "shared.img", seed: 25, parts: 3)
                child.signal(SIGTERM)
                #expect(await child.wait(timeout: 30).exitCode == 130)
                let strangers = try #require(try await scenario.journaled(first, key: "shared.img").uploadId)
                scenario.server.faults.clear()
                let other = try scenario.makeFile("other.img", size: 40 * Int(scenario.partSize), seed: 26)
                var arguments = scenario.arguments(other, key: "shared.img")
                let freshState = scenario.directory + "/fresh-state"
                arguments[arguments.firstIndex(of: scenario.stateDirectory)!] = freshState
                try await settle(scenario)
                let mark = scenario.receipts.count
                let run = try await scenario.run(arguments)
                #expect(run.exitCode == 0, "\(run.output)")
                #expect(!run.stderr.contains("Found open upload"), "\(run.stderr)")
                #expect(try await scenario.objectMatches(other, key: "shared.img"))
                let sent = scenario.receipts[mark...]
                #expect(!sent.contains { $0.uploadId == strangers }, "nothing went into the stranger's upload")
                #expect(Set(sent.map(\.partNumber)) == Set(1...40))
            }
        }

        @Test func sourceDeletedDuringTheRunIsRefusedWithTheJournalIntact() async throws {
            try await withScenario { scenario in
                let (file, _, child) = try await startSlowUpload(scenario, name: "gone.img", seed: 23, parts: 3)
                #expect(unlink(file) == 0)
                let run = await child.wait(timeout: 60)
                #expect(run.exitCode == 3, "\(run.output)")
                #expect(run.stderr.contains("removed"), "\(run.stderr)")
                #expect(await !scenario.objectExists(key: "gone.img"))
                #expect(scenario.server.counters.snapshot().requests["CompleteMultipartUpload"] == nil)
                try await expectJournalIntact(scenario, file: file, key: "gone.img")
            }
        }

        @Test func sourceTruncatedDuringTheRunIsRefusedWithTheJournalIntact() async throws {
            try await withScenario { scenario in
                let (file, _, child) = try await startSlowUpload(scenario, name: "cut.img", seed: 24, parts: 3)
                #expect(truncate(file, off_t(4 * scenario.partSize)) == 0)
                let run = await child.wait(timeout: 60)
                #expect(run.exitCode == 3, "\(run.output)")
                #expect(await !scenario.objectExists(key: "cut.img"))
                #expect(scenario.server.counters.snapshot().requests["CompleteMultipartUpload"] == nil)
                try await expectJournalIntact(scenario, file: file, key: "cut.img")
            }
        }

        /// The journal opens, and holds the job as failed with its upload.
        func expectJournalIntact(_ scenario: UploadScenario, file: String, key: String) async throws {
            let journal = try UploadJournal(path: scenario.stateDirectory + "/journal.sqlite")
            defer { try? journal.close() }
            let job = try #require(try await journal.findJob(sourcePath: file, bucket: scenario.bucket, key: key))
            #expect(job.state == .failed)
            #expect(try await !journal.uploads(jobId: job.id).isEmpty)
        }
    }
}
