import Foundation
import Testing
@testable import HoistCore

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
    /// The carry-less-multiply kernel must equal the table kernel for every length, alignment
    /// and starting CRC, including lengths around its 64-byte and 16-byte steps.
    @Test func fastKernelEqualsTableKernel() {
        let data = LCGPattern.bytes(4096 + 64)
        data.withUnsafeBytes { raw in
            for start: UInt64 in [0, ~0, 0x0123_4567_89AB_CDEF] {
                for offset in [0, 1, 7] {
                    for count in Array(0...300) + [1023, 1024, 1025, 4095, 4096] {
                        let p = raw.baseAddress! + offset
                        #expect(CRC64.update(start, p, count) == CRC64.updateWithTables(start, p, count),
                                "count \(count) offset \(offset)")
                    }
                }
            }
        }
    }
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
