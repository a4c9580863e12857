import Foundation
import Testing
@testable import HoistEmulator

/// `disconnectNetwork()` looks to a client like a pulled cable (open connections cut, new ones
/// refused) and `reconnectNetwork()` like the cable back, on the same port, with nothing the
/// server held forgotten.
@Suite struct NetworkCableTests {
    @Test func disconnectCutsAndRefusesThenReconnectKeepsUploads() async throws {
        try await Emulator.with { emu in
            let uploadId = try await emu.initiate("cable")
            #expect(try await emu.uploadPart("cable", uploadId: uploadId, number: 1, bytes: LCG.bytes(200_000)).status == 200)
            let idle = try RawClient(port: emu.server.port)
            defer { idle.close() }

            await emu.server.disconnectNetwork()
            #expect(!emu.server.isNetworkConnected)
            #expect(await idle.readUntilClosed() == .closed, "an open connection is cut")
            let refused = try await emu.curl("-I", emu.url("cable"))
            #expect(refused.exitCode == 7, "curl exit 7: could not connect")

            try await emu.server.reconnectNetwork()
            #expect(emu.server.isNetworkConnected)
            let listed = try await emu.curl(emu.url("cable", "uploadId=\(uploadId)"))
            #expect(listed.status == 200, "the upload survived: \(listed.text)")
            #expect(listed.xmlAll("PartNumber") == ["1"])
            #expect(emu.server.uploads().map(\.uploadId) == [uploadId])
        }
    }
}
