import Foundation
import HoistCore
import HoistEmulator
import Testing
#if canImport(Glibc)
import Glibc
#endif

extension UploadIntegration {
    /// In-place rewrites that keep size and mtime must not complete an object of mixed content.
    @Suite struct SourceRewrites {
        static let partCount = 12

        /// Uploads every part, then fails at CompleteMultipartUpload (403, not retried): the
        /// journal holds an open upload with all parts, as after a crash before Complete.
        func uploadAllButComplete(_ scenario: UploadScenario, _ file: String, key: String) async throws {
            scenario.server.faults.addError(ErrorFault(operation: "CompleteMultipartUpload", rate: 1, status: 403,
                                                       code: "AccessDenied"))
            let failed = try await scenario.run(scenario.arguments(file, key: key))
            #expect(failed.exitCode == 4, "\(failed.output)")
            #expect(scenario.receipts.count == Self.partCount)
            scenario.server.faults.clear()
        }

        /// Overwrites `parts` (1-based) in place and puts the mtime back, as `cp -p` or
        /// `rsync -t --inplace` would: same inode, size and mtime, new bytes.
        func rewriteKeepingMTime(_ scenario: UploadScenario, _ file: String, parts: [Int]) throws {
            let before = try SourceIdentity(path: file)
            for part in parts {
                try scenario.scribble(file, offset: Int64(part - 1) * scenario.partSize + 100, count: 64)
            }
            var times = [timespec(tv_sec: 0, tv_nsec: (1 << 30) - 2),  // UTIME_OMIT
                         timespec(tv_sec: Int(before.mtimeNanoseconds / 1_000_000_000),
                                  tv_nsec: Int(before.mtimeNanoseconds % 1_000_000_000))]
            #expect(utimensat(AT_FDCWD, file, &times, 0) == 0)
            let after = try SourceIdentity(path: file)
            #expect(after.mtimeNanoseconds == before.mtimeNanoseconds && after.size == before.size
                    && after.inode == before.inode)
        }

        @Test func aRewriteWithRestoredMTimeStartsAgain() async throws {
            try await withScenario { scenario in
                let file = try scenario.makeFile("rebuilt.img", size: Self.partCount * Int(scenario.partSize), seed: 21)
                try await uploadAllButComplete(scenario, file, key: "rebuilt.img")
                try rewriteKeepingMTime(scenario, file, parts: [3, 7])

                let again = try await scenario.run(scenario.arguments(file, key: "rebuilt.img"))
                #expect(again.exitCode == 0, "\(again.output)")
                #expect(again.stderr.contains("ctime"), "\(again.stderr)")
                #expect(try await scenario.objectMatches(file, key: "rebuilt.img"))
            }
        }

        @Test func verifyLocalResendsExactlyThePartsThatDiffer() async throws {
            try await withScenario { scenario in
                let file = try scenario.makeFile("legacy.img", size: Self.partCount * Int(scenario.partSize), seed: 22)
                try await uploadAllButComplete(scenario, file, key: "legacy.img")
                try rewriteKeepingMTime(scenario, file, parts: [2, 9])
                // A journal row without a ctime (written before it was recorded) cannot see the
                // rewrite: the identity check passes and only the parts' bytes tell.
                let journal = try UploadJournal(path: scenario.stateDirectory + "/journal.sqlite")
                let job = try #require(try await journal.findJob(sourcePath: file, bucket: scenario.bucket, key: "legacy.img"))
                var legacy = try SourceIdentity(path: file)
                legacy.ctimeNanoseconds = nil
                legacy.birthNanoseconds = nil
                try await journal.updateSource(jobId: job.id, identity: legacy, partSize: job.partSize)
                try journal.close()

                let mark = scenario.receipts.count
                let again = try await scenario.run(scenario.arguments(file, key: "legacy.img", ["--verify-local"]))
                #expect(again.exitCode == 0, "\(again.output)")
                #expect(again.stderr.contains("2 journaled part(s) differ from the file"), "\(again.stderr)")
                #expect(scenario.receipts[mark...].map(\.partNumber).sorted() == [2, 9])
                #expect(try await scenario.objectMatches(file, key: "legacy.img"))
            }
        }
    }
}
