import Foundation
import Glibc
@testable import HoistEmulator
import Testing

/// The network-down fault: open connections are reset when it goes down, requests are refused
/// while it is down (and never reach a service), the admin endpoint still answers, and
/// everything works again once it is back.
@Suite("Network down", .timeLimit(.minutes(2)))
struct NetworkDownTests {
    @Test func openConnectionsAreResetWhenTheNetworkGoesDown() async throws {
        try await Emulator.with { emu in
            // One idle connection, and one in the middle of a request body.
            let idle = try RawClient(port: emu.server.port)
            defer { idle.close() }
            let sending = try RawClient(port: emu.server.port)
            defer { sending.close() }
            try sending.send("PUT /\(emu.bucket)/cut HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n0123456789")
            try await waitUntil("both connections served, one mid-body") {
                emu.server.counters.connectionsOpen == 2 && emu.server.counters.requestsInProgress("PutObject") == 1
            }

            emu.server.faults.setNetworkDown(true)
            #expect(await idle.readUntilClosed() == .closed)
            #expect(await sending.readUntilClosed() == .closed)
            try await waitForConnectionsClosed(emu)
            #expect(emu.server.counters.snapshot().networkDownResets == 2)
            emu.server.faults.setNetworkDown(false)
            #expect(try await emu.curl("-I", emu.url("cut")).status == 404, "the cut body stored nothing")
        }
    }

    @Test func whileDownRequestsAreResetAndTheAdminEndpointStillAnswers() async throws {
        try await Emulator.with { emu in
            let admin = emu.server.baseURL + "/_hoist/admin/faults"
            let down = try await emu.curl("-X", "POST", "-d", #"{"networkDown":true}"#, admin)
            #expect(down.status == 200)
            #expect(emu.server.faults.isNetworkDown)

            let refused = try await emu.curl("-X", "PUT", "--data-binary", "abc", "-H", "Content-Type:", emu.url("k"))
            #expect(refused.exitCode != 0 && refused.status == 0, "no answer at all, only a reset")
            let probe = try await emu.curl(emu.server.baseURL + "/\(emu.bucket)?bucketInfo")
            #expect(probe.exitCode != 0 && probe.status == 0)
            let snapshot = emu.server.counters.snapshot()
            #expect(snapshot.requests.isEmpty, "refused requests never reach a service: \(snapshot.requests)")
            #expect(snapshot.networkDownResets == 2)
            #expect(try await emu.curl(admin).text.contains(#""networkDown":true"#))

            #expect(try await emu.curl("-X", "POST", "-d", #"{"networkDown":false}"#, admin).status == 200)
            let put = try await emu.curl("-X", "PUT", "--data-binary", "abc", "-H", "Content-Type:", emu.url("k"))
            #expect(put.status == 200)
            #expect(try await emu.curl(emu.url("k")).text == "abc")
        }
    }

    @Test func clearingTheFaultsRestoresTheNetwork() async throws {
        try await Emulator.with { emu in
            emu.server.faults.replace(FaultSettings(networkDown: true))
            let refused = try await emu.curl("-I", emu.url("k"))
            #expect(refused.status == 0)
            emu.server.faults.clear()
            let answered = try await emu.curl("-I", emu.url("k"))
            #expect(answered.status == 404)
        }
    }
}

/// Polls `condition` every 10 ms until it holds; fails after `timeout` seconds instead of hanging.
private func waitUntil(_ what: String, timeout: Double = 60, _ condition: () -> Bool) async throws {
    let deadline = Date().addingTimeInterval(timeout)
    while !condition() {
        guard Date() < deadline else { throw TestFailure("timed out waiting for \(what)") }
        try await Task.sleep(for: .milliseconds(10))
    }
}
