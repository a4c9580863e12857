import Foundation
import HoistCore
import HoistEmulator
import Testing
#if canImport(Glibc)
import Glibc
#endif

extension UploadIntegration {
    /// A source that changes between or during runs never yields a wrong object.
    @Suite struct SourceChanges {
        @Test func changedBetweenRunsAbortsTheOldUploadAndUploadsTheNewContent() async throws {
            try await withScenario(faults: FaultSettings(bandwidth: BandwidthFault(bytesPerSecond: 1_500_000))) { scenario in
                let file = try scenario.makeFile("edit.img", size: 24 * Int(scenario.partSize), seed: 8)
                let arguments = scenario.arguments(file, key: "edit.img")
                let child = try scenario.start(arguments)
                try await waitUntil("some parts") { scenario.receipts.count >= 5 }
                child.signal(SIGTERM)
                #expect(await child.wait(timeout: 10).exitCode == 130)
                let oldId = try #require(try await scenario.journaled(file, key: "edit.img").uploadId)
                try scenario.scribble(file, offset: 1000)
                scenario.server.faults.clear()

                let run = try await scenario.run(arguments)
                #expect(run.exitCode == 0, "\(run.output)")
                #expect(run.stderr.contains("The source changed since the last run"), "\(run.stderr)")
                #expect(try await scenario.objectMatches(file, key: "edit.img"))
                #expect(!scenario.server.uploads().contains { $0.uploadId == oldId }, "the old upload is aborted")
            }
        }

        @Test func changedDuringTheRunIsRefusedWithoutAnObjectThenRetried() async throws {
            try await withScenario(faults: FaultSettings(bandwidth: BandwidthFault(bytesPerSecond: 1_500_000))) { scenario in
                let file = try scenario.makeFile("live.img", size: 24 * Int(scenario.partSize), seed: 9)
                let arguments = scenario.arguments(file, key: "live.img")
                let child = try scenario.start(arguments)
                try await waitUntil("some parts") { scenario.receipts.count >= 3 }
                try scenario.scribble(file, offset: 20 * scenario.partSize + 5)
                let run = await child.wait(timeout: 60)
                #expect(run.exitCode == 3, "\(run.output)")
                #expect(run.stderr.contains("changed during the upload"), "\(run.stderr)")
                #expect(await !scenario.objectExists(key: "live.img"), "no object from a changing file")

                scenario.server.faults.clear()
                let again = try await scenario.run(arguments)
                #expect(again.exitCode == 0, "\(again.output)")
                #expect(try await scenario.objectMatches(file, key: "live.img"))
            }
        }

        /// An abort OSS does not confirm is not reported as done: the upload stays `aborting` in
        /// the journal (its parts are billed) and the next run aborts it.
        @Test func anAbortOSSDoesNotConfirmIsSaidAndTriedAgain() async throws {
            try await withScenario(faults: FaultSettings(bandwidth: BandwidthFault(bytesPerSecond: 1_500_000))) { scenario in
                let file = try scenario.makeFile("stuck.img", size: 24 * Int(scenario.partSize), seed: 17)
                let arguments = scenario.arguments(file, key: "stuck.img")
                scenario.server.faults.addError(ErrorFault(operation: "AbortMultipartUpload", rate: 1, status: 500, code: "InternalError"))
                let child = try scenario.start(arguments + ["--json"])
                try await waitUntil("some parts") { scenario.receipts.count >= 3 }
                try scenario.scribble(file, offset: 20 * scenario.partSize + 5)
                let run = await child.wait(timeout: 60)
                #expect(run.exitCode == 3, "\(run.output)")
                #expect(run.stdout.contains("\"event\":\"aborted_upload\"") && run.stdout.contains("\"confirmed\":false"), "\(run.stdout)")
                #expect(!run.stderr.contains("was aborted"), "no abort claimed: \(run.stderr)")
                #expect(scenario.server.uploads().count == 1, "the upload is still open at OSS")
                #expect(scenario.server.counters.snapshot().requests["AbortMultipartUpload"] == 3, "tried a few times")

                scenario.server.faults.clear()
                let again = try await scenario.run(arguments)
                #expect(again.exitCode == 0, "\(again.output)")
                #expect(scenario.server.uploads().isEmpty, "the next run aborted the old upload and completed a new one")
            }
        }

        @Test func truncatedDuringTheRunIsRefused() async throws {
            try await withScenario(faults: FaultSettings(bandwidth: BandwidthFault(bytesPerSecond: 1_000_000))) { scenario in
                let file = try scenario.makeFile("shrink.img", size: 24 * Int(scenario.partSize), seed: 10)
                let child = try scenario.start(scenario.arguments(file, key: "shrink.img"))
                try await waitUntil("some parts") { scenario.receipts.count >= 3 }
                #expect(truncate(file, off_t(4 * scenario.partSize)) == 0)
                let run = await child.wait(timeout: 60)
                #expect(run.exitCode == 3, "\(run.output)")
                #expect(await !scenario.objectExists(key: "shrink.img"))
            }
        }
    }
}
