import Foundation
import Testing
@testable import HoistCore
import HoistTestSupport

@Suite struct CRC64Tests {
    /// Decodes the vector file's input notation (`ascii:`, `hex:`, `zeros:`, `lcg:`).
    static func input(_ spec: String) -> [UInt8] {
        if spec == "empty input" { return [] }
        let (kind, rest) = (spec.prefix { $0 != ":" }, spec.drop { $0 != ":" }.dropFirst())
        switch kind {
        case "ascii": return Array(rest.utf8)
        case "hex":
            var out: [UInt8] = []
            var i = rest.startIndex
            while i < rest.endIndex {
                let j = rest.index(i, offsetBy: 2)
                out.append(UInt8(rest[i..<j], radix: 16)!)
                i = j
            }
            return out
        case "zeros": return [UInt8](repeating: 0, count: Int(rest)!)
        case "lcg": return LCGPattern.bytes(Int(rest)!)
        default: Issue.record("unknown input notation \(spec)"); return []
        }
    }

    static func decimal(_ any: Any?) -> UInt64 {
        UInt64(((any as? [String: Any])?["decimal"] as? String) ?? "")!
    }

    @Test func lcgPatternMatchesReference() throws {
        let check = try Fixtures.json("crc64")["lcg_check"] as! [String: Any]
        let hex = LCGPattern.bytes(16).map { String(format: "%02x", $0) }.joined()
        #expect(hex == check["first_16_bytes_hex"] as? String)
    }

    @Test func everyVector() throws {
        let vectors = try Fixtures.json("crc64")["vectors"] as! [[String: Any]]
        #expect(vectors.count == 8)
        for v in vectors {
            let bytes = Self.input(v["input"] as! String)
            #expect(bytes.count == v["length"] as! Int)
            #expect(CRC64.checksum(bytes) == Self.decimal(v["crc64"]), "\(v["name"]!)")
        }
    }

    @Test func streamingEqualsOneShotAtEverySplit() {
        let data = LCGPattern.bytes(300)
        let whole = CRC64.checksum(data)
        for split in 0...data.count {
            let a = CRC64.update(0, data[0..<split])
            #expect(CRC64.update(a, data[split...]) == whole)
        }
    }

    @Test func everyCombineVector() throws {
        let vectors = try Fixtures.json("crc64")["combine"] as! [[String: Any]]
        #expect(vectors.count == 5)
        for v in vectors {
            let lenB = UInt64(v["len_b"] as! Int)
            let got = CRC64.combine(Self.decimal(v["crc_a"]), Self.decimal(v["crc_b"]), lenB)
            #expect(got == Self.decimal(v["crc_ab"]), "\(v["name"]!)")
        }
    }

    @Test func multipartExample() throws {
        let example = try Fixtures.json("crc64")["multipart_example"] as! [String: Any]
        let data = LCGPattern.bytes(3_145_733)
        var parts: [(crc: UInt64, length: UInt64)] = []
        for p in example["parts"] as! [[String: Any]] {
            let offset = p["offset"] as! Int, size = p["size"] as! Int
            let crc = CRC64.checksum(data[offset..<offset + size])
            #expect(crc == Self.decimal(p["crc64"]))
            parts.append((crc, UInt64(size)))
        }
        #expect(CRC64.combine(parts: parts) == Self.decimal(example["object_crc64"]))
        #expect(CRC64.checksum(data) == Self.decimal(example["object_crc64"]))
    }
}

@Suite struct CRC64KernelAgreementTests {
    typealias Update = (UInt64, UnsafeRawPointer, Int) -> UInt64

    /// Lengths that cross every step of every kernel: each length up to 1100 (the 16-, 64- and
    /// 256-byte steps and the tails after them, several wide blocks deep), then a few larger ones.
    static let lengths = Array(0...1100) + [2047, 2048, 2049, 4095, 4096, 4097, 65_536 + 17]

    /// The (start CRC, offset, length) cases where `update` differs from the table kernel over
    /// `data`, checked at unaligned starts and with several starting CRCs.
    static func disagreements(_ update: Update, lengths: [Int] = lengths) -> [String] {
        let data = LCGPattern.bytes(lengths.max()! + 64)
        return data.withUnsafeBytes { raw in
            var found: [String] = []
            for start: UInt64 in [0, ~0, 0x0123_4567_89AB_CDEF] {
                for offset in [0, 1, 7, 63] {
                    for count in lengths {
                        let p = raw.baseAddress! + offset
                        if update(start, p, count) != CRC64.updateWithTables(start, p, count) {
                            found.append("start \(start) offset \(offset) count \(count)")
                        }
                    }
                }
            }
            return found
        }
    }

    /// `CRC64.update` (the C side's own pick of kernel) must equal the table kernel everywhere.
    @Test func dispatchedKernelEqualsTableKernel() {
        let found = Self.disagreements { CRC64.update($0, $1, $2) }
        #expect(found.isEmpty, "\(found.prefix(10))")
    }

    /// Every kernel this CPU can run, called directly, must equal the table kernel.
    @Test(arguments: CRC64.Kernel.available)
    func kernelEqualsTableKernel(kernel: CRC64.Kernel) {
        let found = Self.disagreements(kernel.update)
        #expect(found.isEmpty, "\(kernel): \(found.prefix(10))")
    }

    /// Seeded random lengths, offsets and starting CRCs, so a failure replays from the seed.
    @Test(arguments: CRC64.Kernel.available)
    func kernelEqualsTableKernelAtRandomCases(kernel: CRC64.Kernel) {
        var rng = SplitMix64(seed: 0xC2C6_4000)
        let data = LCGPattern.bytes(5000 + 64)
        data.withUnsafeBytes { raw in
            var found: [String] = []
            for _ in 0..<2000 {
                let count = Int(rng.next() % 5001), offset = Int(rng.next() % 64), start = rng.next()
                let p = raw.baseAddress! + offset
                if kernel.update(start, p, count) != CRC64.updateWithTables(start, p, count) {
                    found.append("start \(start) offset \(offset) count \(count)")
                }
            }
            #expect(found.isEmpty, "\(kernel): \(found.prefix(10))")
        }
    }

    /// A multi-MiB run keeps the wide kernels in their main loop for tens of thousands of steps.
    @Test(arguments: CRC64.Kernel.available)
    func kernelEqualsTableKernelOnMultiMiB(kernel: CRC64.Kernel) {
        let data = LCGPattern.bytes(3 << 20 + 77)
        data.withUnsafeBytes { raw in
            let p = raw.baseAddress! + 3, count = raw.count - 3
            #expect(kernel.update(~0, p, count) == CRC64.updateWithTables(~0, p, count), "\(kernel)")
        }
    }

    /// Continuing a kernel's CRC at any split gives the one-shot CRC, so streaming through any
    /// kernel in pieces (as upload buffers arrive) is exact.
    @Test(arguments: CRC64.Kernel.available)
    func kernelStreamsAtEverySplit(kernel: CRC64.Kernel) {
        let data = LCGPattern.bytes(1500)
        data.withUnsafeBytes { raw in
            let p = raw.baseAddress!
            let whole = CRC64.updateWithTables(0, p, raw.count)
            var found: [Int] = []
            for split in 0...raw.count {
                let head = kernel.update(0, p, split)
                if kernel.update(head, p + split, raw.count - split) != whole { found.append(split) }
            }
            #expect(found.isEmpty, "\(kernel) splits \(found.prefix(10))")
        }
    }

    #if os(Linux) && arch(x86_64)
    /// Runtime detection must offer every kernel the CPU and kernel advertise, or the fast one
    /// would silently never run (and the tests above would never reach it).
    @Test func detectsWhatTheCPUAdvertises() throws {
        let cpuinfo = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let line = cpuinfo.split(separator: "\n").first { $0.hasPrefix("flags") } ?? ""
        let flags = Set(line.split(separator: " ").map(String.init))
        if flags.isSuperset(of: ["pclmulqdq", "sse4_1"]) { #expect(CRC64.Kernel.available.contains(.pclmul128)) }
        if flags.isSuperset(of: ["pclmulqdq", "sse4_1", "vpclmulqdq", "avx512f"]) {
            #expect(CRC64.Kernel.fastest == .vpclmul512)
        }
    }
    #endif
}

@Suite struct CRC64CombineTests {
    @Test func combineEqualsDirectCRCAtManySplits() {
        let data = LCGPattern.bytes(5000)
        let whole = CRC64.checksum(data)
        for split in stride(from: 0, through: data.count, by: 37) {
            let a = CRC64.checksum(data[0..<split]), b = CRC64.checksum(data[split...])
            #expect(CRC64.combine(a, b, UInt64(data.count - split)) == whole, "split \(split)")
        }
    }
}
