import Foundation
import Testing
@testable import HoistCore

/// `ImageInspector` on random and damaged images: every file is either recognised or refused
/// with an `ImageInspectorError` whose message says what to do; no trap (overflow, out-of-range
/// read), no hang. Seeds are the samples of `ImageSamples`; a mutated image keeps its (sparse)
/// size, so the header, footer and size fields can all be damaged without writing gigabytes.
@Suite struct ImageInspectorFuzzTests {
    /// An image as the inspector sees it: a head, a tail and the size between.
    struct Image {
        var size: UInt64
        var head: [UInt8]
        var tail: [UInt8]
    }

    static let headLength = 66 * 1024
    static let tailLength = 2048

    static func seeds(_ samples: ImageSamples) throws -> [Image] {
        let footer = ImageSamples.vhdFooter(diskType: 2, currentSize: 1 << 20, dataOffset: .max, cylinders: 1, heads: 1, sectors: 1)
        let paths = [
            try samples.qcow2(version: 3, virtualSize: 1 << 30),
            try samples.qcow2(version: 2, virtualSize: 5 << 30, tail: footer),
            try samples.qcow2(virtualSize: 1 << 30, backingFile: "base.qcow2"),
            try samples.vhdFixed(currentSize: 1 << 20, cylinders: 20, heads: 16, sectors: 63),
            try samples.vhdDynamic(currentSize: 1_073_995_776, cylinders: 2081, heads: 16, sectors: 63),
            try samples.vmdk(capacitySectors: 2048),
            try samples.vmdk(capacitySectors: 1 << 21, streamOptimized: true, gdAtEnd: true),
            try samples.iso(hybridMBR: true),
            try samples.raw(size: 1 << 20),
        ]
        return try paths.map(read)
    }

    static func read(_ path: String) throws -> Image {
        let file = try ImageInspectorFile(path: path)
        let head = try file.read(at: 0, count: headLength)
        let tailStart = file.size > UInt64(tailLength) ? file.size - UInt64(tailLength) : 0
        let tail = tailStart >= UInt64(head.count) ? try file.read(at: tailStart, count: tailLength) : []
        return Image(size: file.size, head: head, tail: tail)
    }

    static func write(_ image: Image, _ samples: ImageSamples) throws -> String {
        var pieces: [(offset: UInt64, bytes: [UInt8])] = [(0, Array(image.head.prefix(Int(min(image.size, UInt64(image.head.count))))))]
        if !image.tail.isEmpty, image.size >= UInt64(image.tail.count) {
            pieces.append((image.size - UInt64(image.tail.count), image.tail))
        }
        return try samples.file("fuzz.img", size: image.size, pieces)
    }

    /// Byte mutations of head or tail, plus image-aware ones: a huge number written over a
    /// header field, a new size, and a VHD footer checksum made valid again so damage behind
    /// the checksum is reached too.
    static func mutate(_ image: Image, _ rng: inout SeededGenerator) -> Image {
        var image = image
        let bytes = FuzzMutator(maximumLength: headLength)
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            switch Int.random(in: 0..<6, using: &rng) {
            case 0, 1:
                image.head = bytes.mutate(image.head, &rng)
            case 2:
                image.tail = Array(bytes.mutate(image.tail, &rng).suffix(tailLength))
            case 3:
                let huge: [UInt64] = [.max, .max - 511, 1 << 63, UInt64(Int64.max), 1 << 32, 0xFFFF_FFFF, 0]
                let value = huge.randomElement(using: &rng)!
                let width = [2, 4, 8].randomElement(using: &rng)!
                let inTail = Bool.random(using: &rng) && image.tail.count >= 8
                var target = inTail ? image.tail : image.head
                guard target.count >= width else { continue }
                let at = Int.random(in: 0...min(target.count - width, 600), using: &rng)
                let bigEndian = Bool.random(using: &rng)
                for i in 0..<width {
                    let shift = UInt64(bigEndian ? (width - 1 - i) * 8 : i * 8)
                    target[at + i] = UInt8(truncatingIfNeeded: value >> shift)
                }
                if inTail { image.tail = target } else { image.head = target }
            case 4:
                let sizes: [UInt64] = [0, 1, 511, 512, 1023, 1536, UInt64(image.head.count), image.size / 2,
                                       image.size &+ 1, image.size &- 512, 1 << 40]
                image.size = min(sizes.randomElement(using: &rng)!, 1 << 40)
            default:
                fixVHDChecksum(&image.tail)
                fixVHDChecksum(&image.head)
            }
        }
        return image
    }

    /// Recomputes the checksum of a `conectix` footer at the end of `bytes` (or its start, for
    /// the copy at offset 0).
    static func fixVHDChecksum(_ bytes: inout [UInt8]) {
        for start in [bytes.count - 512, 0] where start >= 0 && bytes.count >= start + 512 {
            guard bytes.hasBytes("conectix", at: start) else { continue }
            let sum = ImageInspector.vhdChecksum(Array(bytes[start..<start + 512]))
            for i in 0..<4 { bytes[start + 64 + i] = UInt8(truncatingIfNeeded: sum >> UInt32((3 - i) * 8)) }
        }
    }

    @Test(.timeLimit(.minutes(20))) func inspectorSurvivesMutatedImages() throws {
        let samples = try ImageSamples()
        let seeds = try Self.seeds(samples)
        var outcomes: [String: Int] = [:]
        for number in 0..<FuzzBudget.iterations {
            var rng = FuzzBudget.generator(case: number)
            let label = "case \(number) (HOIST_FUZZ_SEED=\(FuzzBudget.seed))"
            let image: Image
            if number % 10 == 0 {
                let head = FuzzMutator().randomBytes(&rng, upTo: 4096)
                image = Image(size: UInt64(head.count), head: head, tail: [])
            } else {
                image = Self.mutate(seeds.randomElement(using: &rng)!, &rng)
            }
            let path = try Self.write(image, samples)
            defer { unlink(path) }
            do {
                let inspection = try ImageInspector.inspect(path: path)
                outcomes[inspection.format.rawValue, default: 0] += 1
                if inspection.fileSize != image.size { Issue.record("\(label): fileSize \(inspection.fileSize) ≠ \(image.size)") }
            } catch {
                outcomes["refused", default: 0] += 1
                if error.description.isEmpty { Issue.record("\(label): refusal without a message") }
            }
        }
        // The mutations reach past the first check: both acceptance and refusal happen.
        #expect(outcomes["refused", default: 0] > 0 && outcomes.count > 1, "\(outcomes)")
    }
}

extension ImageInspectorFuzzTests {
    /// Regressions (long fuzz run): header fields near 2^64 overflowed size arithmetic and trapped.
    @Test func hugeHeaderFieldsAreNotTraps() throws {
        let samples = try ImageSamples()
        // VMDK grain size and descriptor offset of 2^64 - 1.
        var vmdk = ImageSamples.vmdkHeader(version: 1, flags: 3, capacitySectors: 2048, gdOffset: 0x96, compress: 0)
        for i in 20..<36 { vmdk[i] = 0xFF }
        let inspection = try ImageInspector.inspect(path: try samples.file("huge.vmdk", size: 65536, [(0, vmdk)]))
        #expect(inspection.format == .vmdk)
        // A fixed VHD whose current size is 2^64 - 1, with a valid checksum: truncated, not a trap.
        let size: UInt64 = 1 << 20
        var footer = ImageSamples.vhdFooter(diskType: 2, currentSize: .max, dataOffset: .max, cylinders: 1, heads: 1, sectors: 1)
        Self.fixVHDChecksum(&footer)
        let vhd = try samples.file("huge.vhd", size: size + 512, [(size, footer)])
        #expect(throws: ImageInspectorError(.truncated(format: "VHD"), path: vhd)) { try ImageInspector.inspect(path: vhd) }
    }
}
