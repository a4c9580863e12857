import Foundation
import HoistCore
import HoistEmulator
import Testing

/// `hoist bench` against the emulator: what it sends, what it reports, and that it leaves no
/// upload and no object behind. Asserted are bytes, counts and advice, never rates or times.
@Suite(.serialized, .timeLimit(.minutes(5))) struct BenchCommandTests {
    static let partSize = 128 * 1024

    static func arguments(_ scenario: UploadScenario, size: Int, _ extra: [String] = []) -> [String] {
        ["bench", "oss://\(scenario.bucket)/bench/", "--endpoint", scenario.server.baseURL, "--region", "cn-hangzhou",
         "--state-dir", scenario.stateDirectory, "--config", scenario.directory + "/hoist.toml",
         "--part-size", "\(partSize)", "--size", "\(size)", "--duration", "10m"] + extra
    }

    static func document(_ run: HoistRun) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8))
        return try #require(object as? [String: Any], "\(run.output)")
    }

    /// Nothing is left: no open upload on the server, nothing completed or put.
    static func expectNothingLeft(_ scenario: UploadScenario) {
        let counters = scenario.server.counters.snapshot()
        #expect(scenario.server.uploads().isEmpty)
        #expect(counters.requests["CompleteMultipartUpload", default: 0] == 0)
        #expect(counters.requests["PutObject", default: 0] == 0)
        #expect(counters.requests["AbortMultipartUpload", default: 0] == 1)
    }

    @Test func aRunReportsTheBytesTheServerReceivedAndLeavesNothingBehind() async throws {
        try await withScenario { scenario in
            let size = 8 * Self.partSize
            let run = try await scenario.run(Self.arguments(scenario, size: size, ["--json"]), timeout: 120)
            #expect(run.exitCode == 0, "\(run.output)")
            let report = try Self.document(run)
            let received = scenario.receipts.filter { $0.status == 200 }.reduce(Int64(0)) { $0 + $1.size }
            #expect((report["bytes"] as? Int).map(Int64.init) == received)
            #expect(received == Int64(size))
            #expect(report["parts"] as? Int == 8)
            #expect(report["aborted"] as? Bool == true)
            #expect(report["parallel"] as? String == "auto")
            for field in ["mb_per_s", "seconds", "parts_in_flight", "cpu_seconds_per_gib", "retries", "advice",
                          "advice_text", "upload_id", "key", "tuner"] {
                #expect(report[field] != nil, "missing \(field)")
            }
            let key = try #require(report["key"] as? String)
            #expect(key.hasPrefix("bench/hoist-bench-"))
            #expect(await !scenario.objectExists(key: key))
            Self.expectNothingLeft(scenario)
        }
    }

    @Test func theTextReportNamesRateInFlightCPUAndAdvice() async throws {
        try await withScenario { scenario in
            let run = try await scenario.run(Self.arguments(scenario, size: 2 * Self.partSize, ["--parallel", "2"]),
                                             timeout: 120)
            #expect(run.exitCode == 0, "\(run.output)")
            for label in ["rate", "MB/s", "parts in flight 2 (--parallel)", "CPU-s per GiB", "retries", "advice",
                          "aborted, nothing left"] {
                #expect(run.stdout.contains(label), "\(label) missing from \(run.stdout)")
            }
            Self.expectNothingLeft(scenario)
        }
    }

    @Test func slowDownAnswersYieldTheThrottledAdvice() async throws {
        let faults = FaultSettings(errors: [ErrorFault.slowDown(operation: "UploadPart", count: 2, delay: 10)])
        try await withScenario(faults: faults) { scenario in
            let run = try await scenario.run(Self.arguments(scenario, size: 4 * Self.partSize, ["--json"]), timeout: 120)
            #expect(run.exitCode == 0, "\(run.output)")
            let report = try Self.document(run)
            #expect(report["advice"] as? String == "throttled")
            #expect(report["throttled_retries"] as? Int == 2)
            #expect((report["retries"] as? Int ?? 0) >= 2)
            Self.expectNothingLeft(scenario)
        }
    }

    @Test func aBandwidthCapYieldsTheCappedAdvice() async throws {
        try await withScenario { scenario in
            let run = try await scenario.run(
                Self.arguments(scenario, size: 4 * Self.partSize, ["--bandwidth", "200KB/s", "--json"]), timeout: 120)
            #expect(run.exitCode == 0, "\(run.output)")
            let report = try Self.document(run)
            #expect(report["advice"] as? String == "capped")
            #expect((report["bandwidth_cap"] as? Int).map(Int64.init) == BandwidthRate.parse("200KB/s")?.limit)
            Self.expectNothingLeft(scenario)
        }
    }

    @Test func aSizeBelowOnePartIsAUsageErrorAndSendsNothing() async throws {
        try await withScenario { scenario in
            let before = scenario.server.counters.snapshot().requests
            let run = try await scenario.run(Self.arguments(scenario, size: Self.partSize / 2))
            #expect(run.exitCode == 64, "\(run.output)")
            #expect(run.stderr.contains("less than one part"))
            #expect(scenario.server.counters.snapshot().requests == before)
        }
    }

    /// `--duration` ends a run that `--size` would not: the parts in flight are cut short, and
    /// the upload is still aborted. (Slow as the cap is, the 64 parts
    /// cannot all be sent in a second however fast the host.)
    @Test func theDurationEndsARunBeforeTheSizeAndStillCleansUp() async throws {
        try await withScenario { scenario in
            var arguments = Self.arguments(scenario, size: 64 * Self.partSize, ["--bandwidth", "100KB/s", "--json"])
            arguments[arguments.firstIndex(of: "10m")!] = "1s"
            let run = try await scenario.run(arguments, timeout: 120)
            #expect(run.exitCode == 0, "\(run.output)")
            let report = try Self.document(run)
            let bytes = Int64(try #require(report["bytes"] as? Int))
            #expect(bytes < Int64(64 * Self.partSize))
            #expect((report["parts"] as? Int ?? 64) < 64)
            Self.expectNothingLeft(scenario)
        }
    }

    /// SIGTERM in the middle of the run still aborts the upload.
    @Test func aStoppedRunAbortsItsUpload() async throws {
        try await withScenario { scenario in
            let child = try scenario.start(Self.arguments(scenario, size: 64 * Self.partSize, ["--bandwidth", "100KB/s"]))
            try await waitUntil("a part to arrive", timeout: 60) { !scenario.receipts.isEmpty }
            child.signal(SIGTERM)
            let run = await child.wait(timeout: 120)
            #expect(run.exitCode == 130, "\(run.output)")
            #expect(run.stderr.contains("aborted; nothing is left"), "\(run.output)")
            Self.expectNothingLeft(scenario)
        }
    }
}
