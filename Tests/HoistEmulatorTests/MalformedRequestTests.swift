import Foundation
import HoistCore
import Testing
@testable import HoistEmulator

/// Bodies no real client sends must be refused as OSS refuses them, never crash the emulator.
@Suite struct MalformedRequestTests {
    /// Regression: an element name that is not UTF-8 made Foundation's XMLParser trap, which
    /// took the whole emulator down.
    @Test func completeBodyThatIsNotUTF8IsMalformedXML() async throws {
        try await Emulator.with { emu in
            let id = try await emu.initiate("bad")
            let file = try TempFile([0x3C, 0xE1, 0xA8, 0x65, 0x42, 0x8C, 0x3E, 0x3C, 0x2F, 0x3E])
            defer { file.remove() }
            let reply = try await emu.curl("-X", "POST", "--data-binary", "@\(file.path)", emu.url("bad", "uploadId=\(id)"))
            #expect(reply.status == 400 && reply.xml("Code") == "MalformedXML")
            // Still serving.
            #expect(try await emu.curl("-I", emu.url("nothing")).status == 404)
        }
    }

    @Test func parserRefusesNonUTF8AndDeepNesting() {
        #expect(throws: OSSErrorReply.self) { try CompleteRequestParser.parse([0x3C, 0xE1, 0xA8, 0x65, 0x3E]) }
        #expect(throws: OSSErrorReply.self) { try CompleteRequestParser.parse(Array("<?x?><CompleteMultipartUpload/>".utf8)) }
        let deep = String(repeating: "<a>", count: 10_000) + String(repeating: "</a>", count: 10_000)
        #expect(throws: OSSErrorReply.self) { try CompleteRequestParser.parse(Array(deep.utf8)) }
    }
}
