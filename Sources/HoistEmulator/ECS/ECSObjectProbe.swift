import Foundation
import HoistCore
import NIOCore

/// Works out a stored OSS object's disk image format and virtual size from its first 36 KiB and
/// last 512 bytes, so ImportImage can refuse a `Format` that does not match the bytes and a
/// `DiskImageSize` too small for the image.
///
/// Why not `ImageInspector`: it reads one local file by path, while a stored object is usually a
/// list of part files (Complete keeps them as they are). The checks here are the same magic
/// numbers in the same order (qcow2, VHDX, VMDK at offset 0; the VHD footer; ISO volume
/// descriptors at 32 KiB; raw as the fallback) without the deeper validation the client already
/// did before uploading. In discard mode no bytes exist and nothing is probed.
struct ECSObjectProbe {
    /// What the bytes are.
    struct Finding: Equatable {
        /// `RAW`, `QCOW2`, `VHD`, `VMDK`, or a format ImportImage never accepts (`ISO`, `VHDX`).
        var format: String
        var virtualSize: UInt64
    }

    static let importable: Set<String> = ["RAW", "QCOW2", "VHD", "VMDK"]
    private static let headLength: Int64 = 36 * 1024

    let blobs: BlobStore

    /// Nil when the object keeps no bytes (discard mode) or is empty.
    func inspect(_ object: StoredObject) async throws -> Finding? {
        guard !object.segments.isEmpty, object.size > 0 else { return nil }
        let head = try await read(object, offset: 0, length: min(Self.headLength, object.size))
        let tailLength = min(512, object.size)
        let tail = try await read(object, offset: object.size - tailLength, length: tailLength)
        return Self.classify(head: head, tail: tail, size: UInt64(object.size))
    }

    static func classify(head: [UInt8], tail: [UInt8], size: UInt64) -> Finding {
        if head.starts(with: [0x51, 0x46, 0x49, 0xFB]) {
            return Finding(format: "QCOW2", virtualSize: head.count >= 32 ? bigEndian(head, 24, 8) : 0)
        }
        if head.starts(with: Array("vhdxfile".utf8)) { return Finding(format: "VHDX", virtualSize: 0) }
        if head.starts(with: Array("KDMV".utf8)) {
            let sectors = head.count >= 20 ? littleEndian(head, 12, 8) : 0
            return Finding(format: "VMDK", virtualSize: sectors &* 512)
        }
        // Old Virtual PC versions wrote a 511-byte footer, so look at both alignments.
        for start in [tail.count - 512, tail.count - 511] where start >= 0 {
            let footer = Array(tail[start...])
            if footer.starts(with: Array("conectix".utf8)), footer.count >= 56 {
                return Finding(format: "VHD", virtualSize: bigEndian(footer, 48, 8))
            }
        }
        for magic in ["CD001", "BEA01", "NSR02", "NSR03"] where head.count >= 0x8006 {
            if head[0x8001..<0x8006].elementsEqual(magic.utf8) { return Finding(format: "ISO", virtualSize: size) }
        }
        return Finding(format: "RAW", virtualSize: size)
    }

    /// The error ImportImage answers when the bytes and the request disagree, or nil when they
    /// agree. An empty `Format` lets ECS detect it, so only unimportable bytes fail then.
    static func mismatch(declared: String?, found: Finding, parameter: String, acceptsPreview: Bool) -> ECSError? {
        let message = "The specified Image Format is wrongly formed."
        guard importable.contains(found.format) else {
            return ECSError(code: "InvalidImageFormat.Malformed",
                            message: "\(message) The object holds a \(found.format) image, which cannot be imported.", httpStatus: 400)
        }
        if found.format == "VMDK" && !acceptsPreview {
            return ECSError(code: "InvalidImageFormat.Malformed",
                            message: "\(message) The object holds a VMDK image; VMDK import is an invitational preview.", httpStatus: 400)
        }
        if let declared, !declared.isEmpty, declared.uppercased() != found.format {
            return ECSError(code: "InvalidImageFormat.Malformed",
                            message: "\(message) \(parameter) is \(declared.uppercased()) but the object holds a \(found.format) image.", httpStatus: 400)
        }
        return nil
    }

    private func read(_ object: StoredObject, offset: Int64, length: Int64) async throws -> [UInt8] {
        let collected = Locked<[UInt8]>([])
        let produce = blobs.producer(segments: object.segments, offset: offset, length: length)
        try await produce { chunk in collected.withLock { $0 += chunk.readableBytesView } }
        return collected.current
    }

    private static func bigEndian(_ b: [UInt8], _ offset: Int, _ width: Int) -> UInt64 {
        b[offset..<(offset + width)].reduce(0) { $0 << 8 | UInt64($1) }
    }

    private static func littleEndian(_ b: [UInt8], _ offset: Int, _ width: Int) -> UInt64 {
        b[offset..<(offset + width)].reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }
}
