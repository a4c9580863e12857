import Testing
@testable import HoistCore

/// The read/seek cursor behind the upload callbacks, driven directly so rewinds at any offset are
/// covered without coaxing libcurl into them.
@Suite struct TransportBodyStreamTests {
    func drain(_ stream: inout RequestBodyStream, chunk: Int) -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: chunk)
        while true {
            let n = buffer.withUnsafeMutableBytes { try! stream.read(into: $0.baseAddress!, capacity: chunk).get() }
            if n == 0 { return out }
            out += buffer[0..<n]
        }
    }

    @Test func bytesRewindResetsCRCButCountsEveryByte() {
        let bytes = LCGPattern.bytes(100_000)
        var stream = RequestBodyStream(.bytes(bytes))
        _ = drain(&stream, chunk: 7_000)
        #expect(stream.crc == CRC64.checksum(bytes))
        #expect((try? stream.seek(to: 0).get()) != nil)
        #expect(stream.crc == 0)
        let again = drain(&stream, chunk: 4_096)
        #expect(again == bytes)
        #expect(stream.crc == CRC64.checksum(bytes))
        #expect(stream.handedOut == 200_000)
    }

    @Test func fileRewindToTheMiddleRecomputesThePrefix() throws {
        let file = try TransportTestFile(size: 700_000)
        let region = FileRegion(fd: file.fd, offset: 1_000, length: 600_000)
        let expected = Array(file.bytes[1_000..<601_000])
        var stream = RequestBodyStream(.file(region))
        #expect(drain(&stream, chunk: 65_536) == expected)
        #expect((try? stream.seek(to: 300_001).get()) != nil)
        #expect(stream.crc == CRC64.checksum(expected[0..<300_001]))
        #expect(drain(&stream, chunk: 65_536) == Array(expected[300_001...]))
        #expect(stream.crc == CRC64.checksum(expected))
        #expect(stream.seek(to: 600_001).isFailure)
    }

    @Test func emptyBodyReadsNothing() {
        var stream = RequestBodyStream(.empty)
        #expect(drain(&stream, chunk: 16).isEmpty)
        #expect(stream.crc == 0 && stream.length == 0)
    }
}

private extension Result {
    var isFailure: Bool { if case .failure = self { return true } else { return false } }
}
