import Foundation
import Testing
@testable import HoistCore

/// Loopback throughput of the transport, run only by `benchmarks/transport_loopback.sh`
/// (it sets HOIST_TRANSPORT_BENCH). The Python sink is the likely bottleneck, so the figure is a
/// floor for the transport, not its ceiling.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["HOIST_TRANSPORT_BENCH"] != nil))
struct TransportBenchmarkTests {
    @Test func loopbackUploadThroughput() async throws {
        let env = ProcessInfo.processInfo.environment
        let totalMiB = Int(env["HOIST_TRANSPORT_BENCH_MIB"] ?? "") ?? 256
        let partMiB = 8
        let parallel = Int(env["HOIST_TRANSPORT_BENCH_PARALLEL"] ?? "") ?? 4
        let file = try TransportTestFile(size: totalMiB * 1024 * 1024)
        let server = try TransportTestServer()
        defer { server.stop() }
        let transport = try Transport(options: TransportTests.quick)
        defer { transport.shutdown() }
        let partBytes = partMiB * 1024 * 1024
        let parts = totalMiB / partMiB
        let clock = ContinuousClock()
        let elapsed = try await clock.measure {
            try await withThrowingTaskGroup(of: Void.self) { group in
                var next = 0
                func add() {
                    let region = FileRegion(fd: file.fd, offset: Int64(next * partBytes), length: Int64(partBytes))
                    next += 1
                    group.addTask {
                        let r = try await transport.send(HTTPRequest(method: "PUT", url: server.url("/sink"), body: .file(region)))
                        #expect(r.status == 200)
                    }
                }
                while next < min(parallel, parts) { add() }
                while try await group.next() != nil { if next < parts { add() } }
            }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let mbps = Double(totalMiB) * 1.048576 / seconds
        print(String(format: "transport_loopback,%d,%d,%d,%.3f,%.1f", totalMiB, partMiB, parallel, seconds, mbps))
    }
}
