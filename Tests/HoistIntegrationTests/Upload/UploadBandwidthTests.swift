import Foundation
import HoistCore
import Testing

extension UploadIntegration {
    /// `hoist upload` under a bandwidth cap, and the network settings the environment gives it.
    /// What is asserted is behaviour (bytes, CRC, parts, exit codes), never how long it took.
    @Suite struct Bandwidth {
        static let size = 12 * 128 * 1024 + 777

        @Test func anUploadUnderAFlagCapArrivesIntactWithEachPartSentOnce() async throws {
            try await withScenario { scenario in
                let file = try scenario.makeFile("capped.raw", size: Self.size)
                let run = try await scenario.run(scenario.arguments(file, key: "capped.raw", ["--bandwidth", "4MB/s", "--json"]),
                                                 timeout: 120)
                #expect(run.exitCode == 0, "\(run.output)")
                #expect(try await scenario.objectMatches(file, key: "capped.raw"))
                #expect(scenario.receipts.count == scenario.partCount(Self.size))
            }
        }

        @Test func aScheduleFromTheConfigFileAppliesAndArrivesIntact() async throws {
            try await withScenario { scenario in
                try """
                [upload]
                bandwidth = "unlimited"
                schedule = ["00:00-24:00 4MB/s"]
                """.write(toFile: scenario.directory + "/hoist.toml", atomically: true, encoding: .utf8)
                let file = try scenario.makeFile("scheduled.raw", size: Self.size, seed: 3)
                let run = try await scenario.run(scenario.arguments(file, key: "scheduled.raw"), timeout: 120)
                #expect(run.exitCode == 0, "\(run.output)")
                #expect(try await scenario.objectMatches(file, key: "scheduled.raw"))
            }
        }

        @Test func badBandwidthSettingsAreUsageErrorsBeforeAnythingIsSent() async throws {
            try await withScenario { scenario in
                let file = try scenario.makeFile("x.raw", size: 1024)
                let before = scenario.server.counters.snapshot().requests
                let flag = try await scenario.run(scenario.arguments(file, key: "x.raw", ["--bandwidth", "fast"]))
                #expect(flag.exitCode == 64, "\(flag.output)")
                #expect(flag.output.contains("--bandwidth fast is not a rate"))

                var environment = scenario.environment
                environment["HOIST_BANDWIDTH"] = "1.5MB/s"
                let env = try await scenario.run(scenario.arguments(file, key: "x.raw"), environment: environment)
                #expect(env.exitCode == 64, "\(env.output)")
                #expect(env.output.contains("HOIST_BANDWIDTH"))

                try "[upload]\nschedule = [\"08:00-20:00 1MB/s\", \"19:00-21:00 2MB/s\"]\n"
                    .write(toFile: scenario.directory + "/hoist.toml", atomically: true, encoding: .utf8)
                let config = try await scenario.run(scenario.arguments(file, key: "x.raw"))
                #expect(config.exitCode == 64, "\(config.output)")
                #expect(config.output.contains("hoist.toml:2: upload.schedule entry 2"), "\(config.output)")
                #expect(scenario.server.counters.snapshot().requests == before)
            }
        }

        /// libcurl reads `http_proxy` itself and nothing in Hoist turns that off: with a proxy
        /// that refuses connections and no `no_proxy`, not one request reaches the emulator.
        @Test func theProxyEnvironmentIsHonoured() async throws {
            try await withScenario { scenario in
                let file = try scenario.makeFile("proxied.raw", size: 4096)
                let before = scenario.server.counters.snapshot().requests
                var environment = scenario.environment
                environment["NO_PROXY"] = nil
                environment["no_proxy"] = nil
                environment["http_proxy"] = "http://127.0.0.1:1"
                let run = try await scenario.run(scenario.arguments(file, key: "proxied.raw", ["--give-up-after", "1s"]),
                                                 environment: environment, timeout: 120)
                #expect(run.exitCode == 6, "\(run.output)")
                #expect(scenario.server.counters.snapshot().requests == before)
            }
        }

        @Test func anUnreadableCAFileIsRefusedUpFront() async throws {
            try await withScenario { scenario in
                let file = try scenario.makeFile("ca.raw", size: 1024)
                let before = scenario.server.counters.snapshot().requests
                let run = try await scenario.run(scenario.arguments(file, key: "ca.raw", ["--ca-file", "/nonexistent/ca.pem"]))
                #expect(run.exitCode == 64, "\(run.output)")
                #expect(run.output.contains("the CA file /nonexistent/ca.pem does not exist"))
                #expect(scenario.server.counters.snapshot().requests == before)
            }
        }
    }
}
