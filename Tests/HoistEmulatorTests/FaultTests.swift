import Foundation
import HoistCore
import Testing
@testable import HoistEmulator

@Suite("Fault injection and counters", .timeLimit(.minutes(2)))
struct FaultTests {
    @Test func failNextAndRateAndSlowDown() async throws {
        try await Emulator.with { emu in
            let id = try await emu.initiate("f")
            emu.server.faults.addError(ErrorFault(operation: "UploadPart", count: 2, status: 500, code: "InternalError"))
            let statuses = try await [1, 2, 3].asyncMap { n in try await emu.uploadPart("f", uploadId: id, number: n, bytes: [UInt8(n)]) }
            #expect(statuses.map(\.status) == [500, 500, 200])
            #expect(statuses[0].xml("Code") == "InternalError")
            emu.server.faults.addError(.slowDown(operation: "ListParts", rate: 1, delay: 250))
            let slow = try await emu.curl(emu.url("f", "uploadId=\(id)"))
            #expect(slow.status == 503 && slow.xml("Code") == "SlowDown")
            #expect(slow.headers["x-oss-qos-delay-time"] == "250")
            emu.server.faults.clear()
            let counters = emu.server.counters.snapshot()
            #expect(counters.requests["UploadPart"] == 3)
            #expect(counters.responses("UploadPart", status: 500) == 2)
            #expect(counters.responses("ListParts", status: 503) == 1)
            #expect(counters.bodyBytesByOperation["UploadPart"] == 3)
            // Injected failures reject before storing: only the third part is recorded.
            #expect(counters.parts.map(\.partNumber) == [3])
        }
    }

    @Test func latencyAndBandwidth() async throws {
        try await Emulator.with { emu in
            emu.server.faults.addLatency(LatencyFault(operation: "InitiateMultipartUpload", milliseconds: 300))
            var start = Date()
            let id = try await emu.initiate("l")
            #expect(Date().timeIntervalSince(start) >= 0.3)
            emu.server.faults.setBandwidth(BandwidthFault(bytesPerSecond: 1_000_000, scope: .connection))
            start = Date()
            let r = try await emu.uploadPart("l", uploadId: id, number: 1, bytes: LCG.bytes(500_000))
            #expect(r.status == 200)
            #expect(Date().timeIntervalSince(start) >= 0.4)
        }
    }

    @Test func resetDropsTheConnectionAndTheUploadSurvives() async throws {
        try await Emulator.with { emu in
            let id = try await emu.initiate("r")
            emu.server.faults.addReset(ResetFault(operation: "UploadPart", afterBytes: 100_000, count: 1))
            let bytes = LCG.bytes(400_000)
            let dropped = try await emu.uploadPart("r", uploadId: id, number: 1, bytes: bytes)
            #expect(dropped.exitCode != 0)
            #expect(dropped.status == 0)
            let retried = try await emu.uploadPart("r", uploadId: id, number: 1, bytes: bytes)
            #expect(retried.status == 200)
            let snapshot = emu.server.counters.snapshot()
            #expect(snapshot.parts.count == 1)
            #expect(snapshot.requests["UploadPart"] == 2)
        }
    }

    @Test func expireUploadAndDeleteParts() async throws {
        try await Emulator.with { emu in
            let id = try await emu.initiate("x")
            _ = try await emu.uploadPart("x", uploadId: id, number: 1, bytes: [1])
            _ = try await emu.uploadPart("x", uploadId: id, number: 2, bytes: [2])
            #expect(await emu.server.deleteParts(uploadId: id, parts: [1]) == [1])
            #expect(try await emu.curl(emu.url("x", "uploadId=\(id)")).xmlAll("PartNumber") == ["2"])
            #expect(await emu.server.expireUpload(id))
            let gone = try await emu.uploadPart("x", uploadId: id, number: 3, bytes: [3])
            #expect(gone.xml("Code") == "NoSuchUpload")
        }
    }

    @Test func clockSkewMovesTheServerDate() async throws {
        try await Emulator.with { emu in
            emu.server.faults.setClockSkew(seconds: 3600)
            let r = try await emu.curl("-I", emu.url("missing"))
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
            let date = try #require(r.headers["date"].flatMap { formatter.date(from: $0) })
            #expect(abs(date.timeIntervalSinceNow - 3600) < 5)
        }
    }

    @Test func adminEndpointEditsFaultsAndReadsCounters() async throws {
        try await Emulator.with { emu in
            let admin = emu.server.baseURL + "/_hoist/admin"
            #expect(try await emu.curl(admin + "/health").text.contains("ok"))
            let put = try await emu.curl("-X", "POST", "-d", #"{"errors":[{"operation":"InitiateMultipartUpload","count":1,"status":503}]}"#, admin + "/faults")
            #expect(put.status == 200)
            #expect(emu.server.faults.settings.errors.first?.code == "SlowDown")
            let failed = try await emu.curl("-X", "POST", emu.url("k", "uploads"))
            #expect(failed.status == 503)
            let id = try await emu.initiate("k")
            _ = try await emu.uploadPart("k", uploadId: id, number: 1, bytes: [7, 7])
            let counters = try await emu.curl(admin + "/counters")
            let snapshot = try JSONDecoder().decode(CounterSnapshot.self, from: Data(counters.body))
            #expect(snapshot.requests["InitiateMultipartUpload"] == 2)
            #expect(snapshot.parts == [PartReceipt(uploadId: id, partNumber: 1, size: 2, status: 200)])
            let uploads = try JSONDecoder().decode([UploadSummary].self, from: Data(try await emu.curl(admin + "/uploads").body))
            #expect(uploads.first?.parts.first?.size == 2)
            #expect(try await emu.curl("-X", "POST", admin + "/uploads/\(id)/delete-parts").text.contains("[1]"))
            #expect(try await emu.curl("-X", "POST", admin + "/uploads/\(id)/expire").status == 200)
            #expect(try await emu.curl("-X", "POST", admin + "/counters/reset").status == 200)
            #expect(emu.server.counters.snapshot() == CounterSnapshot())
            #expect(try await emu.curl("-X", "PUT", "-d", #"{"clockSkewSeconds":5}"#, admin + "/faults").status == 200)
            #expect(emu.server.faults.settings.clockSkewSeconds == 5)
            #expect(try await emu.curl("-X", "DELETE", admin + "/faults").status == 200)
            #expect(emu.server.faults.settings == FaultSettings())
        }
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for element in self { out.append(try await transform(element)) }
        return out
    }
}
