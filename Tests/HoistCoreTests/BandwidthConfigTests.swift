import Foundation
@testable import HoistCore
import Testing

/// The bandwidth settings as written: rates, the schedule (parsed and evaluated at injected
/// times of day), the config keys and which layer wins.
@Suite struct BandwidthConfigTests {
    static let mib: Int64 = 1 << 20

    @Test(arguments: [
        ("200MB/s", BandwidthRate.bytesPerSecond(200 << 20)),
        ("50 MiB/s", .bytesPerSecond(50 << 20)),
        ("512KiB", .bytesPerSecond(512 << 10)),
        ("1048576/s", .bytesPerSecond(1 << 20)),
        ("unlimited", .unlimited),
        ("Unlimited", .unlimited),
    ])
    func ratesParse(text: String, rate: BandwidthRate) {
        #expect(BandwidthRate.parse(text) == rate)
    }

    @Test(arguments: ["", "0MB/s", "fast", "1.5MB/s", "50MB/h", "-1MB/s"])
    func badRatesAreRefused(text: String) {
        #expect(BandwidthRate.parse(text) == nil)
    }

    /// Seconds after midnight of `HH:MM`.
    func at(_ hours: Int, _ minutes: Int, _ seconds: Int = 0) -> Int { hours * 3600 + minutes * 60 + seconds }

    @Test func aScheduleThatWrapsMidnightCoversTheDay() throws {
        let schedule = try BandwidthSchedule.parse(["08:00-20:00 50MB/s", "20:00-08:00 unlimited"])
        let plan = BandwidthPlan(base: .bytesPerSecond(Self.mib), schedule: schedule)
        #expect(plan.rate(atSecondOfDay: at(7, 59, 59)) == .unlimited)
        #expect(plan.rate(atSecondOfDay: at(8, 0)) == .bytesPerSecond(50 * Self.mib))
        #expect(plan.rate(atSecondOfDay: at(19, 59, 59)) == .bytesPerSecond(50 * Self.mib))
        #expect(plan.rate(atSecondOfDay: at(20, 0)) == .unlimited)
        #expect(plan.rate(atSecondOfDay: at(0, 0)) == .unlimited)
        #expect(plan.secondsUntilChange(fromSecondOfDay: at(7, 59, 30)) == 30)
        #expect(plan.secondsUntilChange(fromSecondOfDay: at(8, 0)) == 12 * 3600)
        #expect(plan.secondsUntilChange(fromSecondOfDay: at(23, 0)) == 9 * 3600)
        #expect(plan.lowestLimit == 50 * Self.mib)
    }

    @Test func outsideEveryWindowTheBaseRateApplies() throws {
        let schedule = try BandwidthSchedule.parse(["22:00-06:00 10MB/s", "12:00-13:00 unlimited"])
        let plan = BandwidthPlan(base: .bytesPerSecond(2 * Self.mib), schedule: schedule)
        #expect(plan.rate(atSecondOfDay: at(23, 30)) == .bytesPerSecond(10 * Self.mib))
        #expect(plan.rate(atSecondOfDay: at(5, 59)) == .bytesPerSecond(10 * Self.mib))
        #expect(plan.rate(atSecondOfDay: at(6, 0)) == .bytesPerSecond(2 * Self.mib))
        #expect(plan.rate(atSecondOfDay: at(12, 30)) == .unlimited)
        #expect(plan.rate(atSecondOfDay: at(13, 0)) == .bytesPerSecond(2 * Self.mib))
        #expect(try BandwidthSchedule.parse(["00:00-24:00 1MB/s"]).rate(atSecondOfDay: at(23, 59, 59)) == .bytesPerSecond(Self.mib))
        #expect(try BandwidthSchedule.parse(["18:00-00:00 1MB/s"]).rate(atSecondOfDay: at(23, 59)) == .bytesPerSecond(Self.mib))
    }

    @Test(arguments: [
        (["08:00-20:00"], "entry 1", "HH:MM-HH:MM RATE"),
        (["8-20 50MB/s"], "entry 1", "not a time range"),
        (["08:00-25:00 50MB/s"], "entry 1", "not a time range"),
        (["08:60-09:00 50MB/s"], "entry 1", "not a time range"),
        (["24:00-08:00 50MB/s"], "entry 1", "cannot start at 24:00"),
        (["08:00-08:00 50MB/s"], "entry 1", "empty"),
        (["08:00-20:00 fast"], "entry 1", "not a rate"),
        (["08:00-20:00 50MB/s", "19:00-21:00 unlimited"], "entry 2", "overlaps entry 1 at 19:00"),
        (["22:00-06:00 1MB/s", "05:00-07:00 2MB/s"], "entry 2", "overlaps entry 1 at 05:00"),
    ])
    func badEntriesSayWhichAndWhy(entries: [String], entry: String, fragment: String) {
        do {
            _ = try BandwidthSchedule.parse(entries)
            Issue.record("\(entries) was accepted")
        } catch {
            #expect(error.description.hasPrefix(entry), "\(error)")
            #expect(error.description.contains(fragment), "\(error)")
        }
    }

    @Test func theConfigFileGivesRateScheduleCAFileAndEndpointNames() throws {
        let config = try HoistConfig.parse("""
            [oss]
            region = "cn-hangzhou"
            transfer-acceleration = true

            [upload]
            bandwidth = "200MB/s"
            schedule = [
                "08:00-20:00 50MB/s",
                "20:00-08:00 unlimited",
            ]

            [tls]
            ca-file = "/etc/pki/corp.pem"
            """)
        #expect(config.bandwidth == .bytesPerSecond(200 * Self.mib))
        #expect(config.bandwidthSchedule?.windows.count == 2)
        #expect(config.caFile == "/etc/pki/corp.pem")
        #expect(config.transferAcceleration == true)
        #expect(config.internalEndpoint == nil)
    }

    @Test(arguments: [
        ("[upload]\n\nbandwidth = \"lots\"", 3, "upload.bandwidth \"lots\" is not a rate"),
        ("[upload]\nschedule = [\"08:00-20:00 50MB/s\", \"19:00-21:00 1MB/s\"]", 2,
         "upload.schedule entry 2 \"19:00-21:00 1MB/s\": it overlaps entry 1 at 19:00"),
        ("[upload]\nschedule = \"08:00-20:00 50MB/s\"", 2, "must be an array of strings"),
        ("[tls]\nca_file = \"/x\"", 2, "unknown setting tls.ca_file"),
        ("[oss]\ninternal = \"yes\"", 2, "must be true or false"),
    ])
    func configMistakesNameFileAndLine(text: String, line: Int, fragment: String) {
        do {
            _ = try HoistConfig.parse(text, path: "/etc/hoist/hoist.toml")
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.description.hasPrefix("/etc/hoist/hoist.toml:\(line): "), "\(error)")
            #expect(error.description.contains(fragment), "\(error)")
        }
    }

    @Test func flagBeatsEnvironmentBeatsConfigAndReplacesTheSchedule() throws {
        var file = try HoistConfig.parse("[upload]\nbandwidth = \"10MB/s\"\nschedule = [\"08:00-20:00 1MB/s\"]")
        let scheduled = try HoistSettings.bandwidthPlan(flags: HoistConfig(), environment: [:], file: file)
        #expect(scheduled.base == .bytesPerSecond(10 * Self.mib) && scheduled.schedule != nil)

        let env = try HoistSettings.bandwidthPlan(flags: HoistConfig(), environment: ["HOIST_BANDWIDTH": "unlimited"], file: file)
        #expect(env == BandwidthPlan(base: .unlimited))

        var flags = HoistConfig()
        flags.bandwidth = .bytesPerSecond(3 * Self.mib)
        let flagged = try HoistSettings.bandwidthPlan(flags: flags, environment: ["HOIST_BANDWIDTH": "unlimited"], file: file)
        #expect(flagged == BandwidthPlan(base: .bytesPerSecond(3 * Self.mib)))

        #expect(throws: ConfigError.self) {
            try HoistSettings.bandwidthPlan(flags: HoistConfig(), environment: ["HOIST_BANDWIDTH": "fast"], file: file)
        }
        file = HoistConfig()
        #expect(try HoistSettings.bandwidthPlan(flags: HoistConfig(), environment: ["HOIST_BANDWIDTH": ""], file: file) == .unlimited)
    }
}
