import Foundation
import HoistCore
import HoistEmulator
import Testing

/// `hoist upload` as a child process against the emulator. The suites run one at a time: each
/// starts an emulator and a `hoist`, and timing-based kills need the CPU to themselves.
@Suite(.serialized, .timeLimit(.minutes(5))) struct UploadIntegration {}

extension UploadIntegration {
    @Suite struct Basics {
        @Test func uploadsAFileOfTensOfPartsIntact() async throws {
            try await withScenario { scenario in
                let size = 40 * 128 * 1024 + 12345
                let file = try scenario.makeFile("disk.raw", size: size)
                let run = try await scenario.run(scenario.arguments(file, key: "vm/disk.raw", ["--json"]))
                #expect(run.exitCode == 0, "\(run.output)")
                #expect(try await scenario.objectMatches(file, key: "vm/disk.raw"))

                let lines = run.stdout.split(separator: "\n").compactMap {
                    try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
                }
                let summary = try #require(lines.last)
                #expect(summary["event"] as? String == "summary")
                #expect(summary["parts"] as? Int == 41)
                #expect(summary["parts_sent"] as? Int == 41)
                #expect(summary["total_bytes"] as? Int == size)
                #expect((summary["bytes_sent"] as? Int ?? 0) >= size)
                #expect(summary["crc64"] as? String == String(CRC64.update(0, try Data(contentsOf: URL(fileURLWithPath: file)))))
                #expect(lines.contains { $0["event"] as? String == "started" })
                #expect(lines.contains { $0["event"] as? String == "verified" })
                // Exactly one upload, each part sent once.
                #expect(scenario.receipts.count == 41)
                #expect(scenario.server.counters.snapshot().requests["CompleteMultipartUpload"] == 1)
                #expect(!run.output.contains(UploadScenario.accessKey.secret))
            }
        }

        @Test func runningItAgainSaysItIsAlreadyUploadedUnlessTheObjectIsGone() async throws {
            try await withScenario { scenario in
                let file = try scenario.makeFile("a.img", size: 5 * 128 * 1024)
                let first = try await scenario.run(scenario.arguments(file, key: "a.img"))
                #expect(first.exitCode == 0, "\(first.output)")
                #expect(first.stdout.contains("Uploaded oss://images/a.img"))
                let before = scenario.server.counters.snapshot().requests
                let second = try await scenario.run(scenario.arguments(file, key: "a.img"))
                #expect(second.exitCode == 0, "\(second.output)")
                #expect(second.output.contains("already uploaded"))
                let after = scenario.server.counters.snapshot().requests
                #expect(after["UploadPart"] == before["UploadPart"])
                #expect(after["HeadObject", default: 0] == before["HeadObject", default: 0] + 1, "one check that it is still there")

                // Deleted behind hoist's back: the next run uploads it again.
                try await scenario.client.deleteObject(bucket: scenario.bucket, key: "a.img")
                let third = try await scenario.run(scenario.arguments(file, key: "a.img"))
                #expect(third.exitCode == 0, "\(third.output)")
                #expect(third.stdout.contains("Uploaded oss://images/a.img"))
                #expect(try await scenario.objectMatches(file, key: "a.img"))
            }
        }

        @Test func keyDefaultsToTheFileNameUnderThePrefix() async throws {
            try await withScenario { scenario in
                let file = try scenario.makeFile("named.qcow2", size: 300_000)
                var arguments = scenario.arguments(file, key: "unused")
                arguments.remove(at: 2)
                arguments += ["--bucket", scenario.bucket, "--prefix", "builds/"]
                let run = try await scenario.run(arguments)
                #expect(run.exitCode == 0, "\(run.output)")
                #expect(try await scenario.objectMatches(file, key: "builds/named.qcow2"))
            }
        }

        @Test func plainOutputOffATerminalAndStatusAfterwards() async throws {
            try await withScenario(faults: FaultSettings(
                bandwidth: BandwidthFault(bytesPerSecond: 2_000_000))) { scenario in
                let file = try scenario.makeFile("p.img", size: 16 * 128 * 1024)
                let run = try await scenario.run(scenario.arguments(file, key: "p.img"))
                #expect(run.exitCode == 0, "\(run.output)")
                #expect(run.stderr.contains("Uploading"))
                #expect(run.stderr.contains("parts "), "periodic progress lines: \(run.stderr)")
                #expect(run.stderr.contains("MB/s"))
                #expect(!run.stderr.contains("\u{1B}["), "no terminal escapes off a terminal")

                let status = try await scenario.run(["status", "--json", "--state-dir", scenario.stateDirectory])
                #expect(status.exitCode == 0, "\(status.output)")
                let document = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
                let jobs = try #require(document?["jobs"] as? [[String: Any]])
                #expect(jobs.count == 1)
                #expect(jobs.first?["state"] as? String == "uploaded")
                #expect(jobs.first?["bytes_done"] as? Int == 16 * 128 * 1024)
                #expect((jobs.first?["last_run_bytes_per_second"] as? Double ?? 0) > 0)
                let text = try await scenario.run(["status", "--state-dir", scenario.stateDirectory])
                #expect(text.stdout.contains("uploaded"))
                #expect(text.stdout.contains("oss://images/p.img"))
            }
        }
    }
}
