import HoistCore
import Testing

/// The advice `hoist bench` draws from its numbers: strongest evidence first.
struct BenchReportTests {
    static func report(bytes: Int64 = 1_000_000_000, seconds: Double = 10, tuning: BenchReport.Tuning? = .settled,
                       cpu: Double = 1, cores: Int = 4, throttled: Int = 0, cap: Int64? = nil) -> BenchReport {
        let location = ObjectLocation(bucket: "b", key: "p/hoist-bench-1")
        return BenchReport(location: location, uploadId: "u", bytes: bytes, seconds: seconds, partSize: 1 << 20,
                           parts: 10, partsInFlight: 16, tuning: tuning, cpuSeconds: cpu, cores: cores, retries: throttled,
                           throttledRetries: throttled, bandwidthCap: cap,
                           cleanup: BenchCleanup(location: location, uploadId: "u", failure: nil))
    }

    @Test func settledWithLittleCPUIsNetworkBound() {
        #expect(Self.report().advice == .networkBound)
        #expect(Self.report(tuning: nil).advice == .networkBound)
        #expect(Self.report().megabytesPerSecond == 100)
    }

    @Test func stillSearchingIsInconclusive() {
        #expect(Self.report(tuning: .searching).advice == .inconclusive)
    }

    @Test func busyCoresAreCPUBound() {
        #expect(Self.report(cpu: 35, cores: 4).advice == .cpuBound)
    }

    @Test func aRateNearTheCapIsCappedAndAFarCapIsNot() {
        #expect(Self.report(cap: 100_000_000).advice == .capped)
        #expect(Self.report(cap: 1_000_000_000).advice == .networkBound)
    }

    @Test func throttlingWinsOverEverythingElse() {
        #expect(Self.report(cpu: 40, throttled: 1, cap: 100_000_000).advice == .throttled)
    }

    @Test func theCleanupCommandNamesTheUploadAndItsPrefix() {
        let cleanup = BenchCleanup(location: ObjectLocation(bucket: "b", key: "p/q/hoist-bench-1"), uploadId: "U1",
                                   failure: "timeout")
        #expect(cleanup.cleanupCommand == "hoist uploads abort U1 --location oss://b/p/q --all")
    }
}
