import Foundation
import HoistCore
import Testing

extension UploadIntegration {
    /// `hoist upload --parallel auto`: the tuner sizes the parts in flight; what is asserted is
    /// the upload's result (bytes, CRC, parts), and that the tuner never exceeds its maximum.
    @Suite struct AutoParallel {
        static let size = 40 * 128 * 1024 + 321

        func arguments(_ scenario: UploadScenario, _ file: String, key: String, _ parallel: String) -> [String] {
            var arguments = scenario.arguments(file, key: key, ["--json"])
            let at = try! #require(arguments.firstIndex(of: "--parallel"))
            arguments[at + 1] = parallel
            return arguments
        }

        @Test func anAutoUploadArrivesIntactWithEachPartSentOnce() async throws {
            try await withScenario { scenario in
                let file = try scenario.makeFile("auto.raw", size: Self.size)
                let run = try await scenario.run(arguments(scenario, file, key: "auto.raw", "auto"), timeout: 120)
                #expect(run.exitCode == 0, "\(run.output)")
                #expect(try await scenario.objectMatches(file, key: "auto.raw"))
                #expect(scenario.receipts.count == scenario.partCount(Self.size))
                let peak = scenario.server.counters.snapshot().peakInProgress["UploadPart"] ?? 0
                #expect((1...HoistSettings.autoParallelMaximum).contains(peak), "peak \(peak)")
                // Progress events say what the tuner allows, within its bounds, and when.
                let progress = run.stdout.split(separator: "\n").compactMap { line -> [String: Any]? in
                    guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                          object["event"] as? String == "progress" else { return nil }
                    return object
                }
                let limits = progress.map { $0["in_flight_limit"] as? Int ?? 0 }
                #expect(!limits.isEmpty && limits.allSatisfy { (1...HoistSettings.autoParallelMaximum).contains($0) }, "\(limits)")
                let elapsed = progress.compactMap { $0["elapsed_seconds"] as? Double }
                #expect(elapsed.count == progress.count && elapsed == elapsed.sorted() && elapsed.allSatisfy { $0 >= 0 }, "\(elapsed)")
            }
        }

        @Test func aBadValueIsAUsageError() async throws {
            try await withScenario { scenario in
                let file = try scenario.makeFile("x.raw", size: 1024)
                let run = try await scenario.run(arguments(scenario, file, key: "x.raw", "lots"))
                #expect(run.exitCode == 64, "\(run.output)")
                #expect(run.output.contains("--parallel"))
            }
        }
    }
}
