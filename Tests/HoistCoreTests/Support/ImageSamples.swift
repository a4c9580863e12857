import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Builds disk-image samples byte by byte from the tables in `image-formats.md`, in a private
/// temporary folder. Large virtual sizes use sparse files (`ftruncate` + `pwrite`), so a
/// "5 GiB" disk costs a few KiB. Nothing binary is committed: every sample is made here.
final class ImageSamples {
    let directory: String
    private var counter = 0

    init() throws {
        var template = Array((NSTemporaryDirectory() + "/hoist-image-samples-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw POSIXError(.EIO) }
        directory = String(cString: made)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    /// Writes `pieces` into a file of exactly `size` bytes; the gaps are holes.
    func file(_ name: String, size: UInt64, _ pieces: [(offset: UInt64, bytes: [UInt8])]) throws -> String {
        counter += 1
        let path = "\(directory)/\(counter)-\(name)"
        let fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0o644)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        defer { close(fd) }
        guard ftruncate(fd, off_t(size)) == 0 else { throw POSIXError(.EFBIG) }
        for piece in pieces where !piece.bytes.isEmpty {
            let n = piece.bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, off_t(piece.offset)) }
            guard n == piece.bytes.count else { throw POSIXError(.EIO) }
        }
        return path
    }

    // MARK: qcow2 (§2, big-endian)

    static func qcow2Header(version: UInt32 = 3, virtualSize: UInt64, clusterBits: UInt32 = 16, backingFileOffset: UInt64 = 0,
                            backingFileSize: UInt32 = 0, cryptMethod: UInt32 = 0, snapshots: UInt32 = 0,
                            incompatible: UInt64 = 0) -> [UInt8] {
        var h = Bytes(count: version == 3 ? 112 : 72)
        h.put("QFI\u{FB}", at: 0)
        h.be(UInt64(version), at: 4, width: 4)
        h.be(backingFileOffset, at: 8, width: 8)
        h.be(UInt64(backingFileSize), at: 16, width: 4)
        h.be(UInt64(clusterBits), at: 20, width: 4)
        h.be(virtualSize, at: 24, width: 8)
        h.be(UInt64(cryptMethod), at: 32, width: 4)
        h.be(2, at: 36, width: 4)                    // l1_size
        h.be(0x30000, at: 40, width: 8)              // l1_table_offset
        h.be(0x10000, at: 48, width: 8)              // refcount_table_offset
        h.be(1, at: 56, width: 4)                    // refcount_table_clusters
        h.be(UInt64(snapshots), at: 60, width: 4)
        if version == 3 {
            h.be(incompatible, at: 72, width: 8)
            h.be(4, at: 96, width: 4)                // refcount_order
            h.be(112, at: 100, width: 4)             // header_length, as qemu 7.2 writes
        }
        return h.bytes
    }

    /// A qcow2 file laid out like qemu's: header, refcount table and L1 table in the first
    /// clusters, 196 KiB in all for a fresh image.
    func qcow2(version: UInt32 = 3, virtualSize: UInt64, backingFile: String? = nil, cryptMethod: UInt32 = 0,
               incompatible: UInt64 = 0, tail: [UInt8] = []) throws -> String {
        var header = Self.qcow2Header(version: version, virtualSize: virtualSize, cryptMethod: cryptMethod, incompatible: incompatible)
        var pieces: [(offset: UInt64, bytes: [UInt8])] = []
        if let backingFile {
            var h = Bytes(header)
            h.be(0x200, at: 8, width: 8)
            h.be(UInt64(backingFile.utf8.count), at: 16, width: 4)
            header = h.bytes
            pieces.append((0x200, Array(backingFile.utf8)))
        }
        pieces.insert((0, header), at: 0)
        let size: UInt64 = 196_608 + UInt64(tail.count)
        if !tail.isEmpty { pieces.append((196_608, tail)) }
        return try file("disk.qcow2", size: size, pieces)
    }

    // MARK: VHD (§3, big-endian)

    static func vhdFooter(diskType: UInt32, currentSize: UInt64, dataOffset: UInt64, creator: String = "qemu",
                          cylinders: UInt16, heads: UInt8, sectors: UInt8, corruptChecksum: Bool = false) -> [UInt8] {
        var f = Bytes(count: 512)
        f.put("conectix", at: 0)
        f.be(2, at: 8, width: 4)
        f.be(0x0001_0000, at: 12, width: 4)
        f.be(dataOffset, at: 16, width: 8)
        f.be(0x2D2A_1F00, at: 24, width: 4)          // timestamp
        f.put(creator, at: 28)
        f.be(0x0005_0003, at: 32, width: 4)
        f.put("Wi2k", at: 36)
        f.be(currentSize, at: 40, width: 8)
        f.be(currentSize, at: 48, width: 8)
        f.be(UInt64(cylinders), at: 56, width: 2)
        f.bytes[58] = heads
        f.bytes[59] = sectors
        f.be(UInt64(diskType), at: 60, width: 4)
        for i in 0..<16 { f.bytes[68 + i] = UInt8(0xA0 + i) }   // unique id
        var sum: UInt32 = 0
        for b in f.bytes { sum &+= UInt32(b) }
        f.be(UInt64(~sum &+ (corruptChecksum ? 1 : 0)), at: 64, width: 4)
        return f.bytes
    }

    /// Fixed VHD: the raw disk, then the footer; nothing at offset 0.
    func vhdFixed(currentSize: UInt64, cylinders: UInt16, heads: UInt8, sectors: UInt8, creator: String = "qemu",
                  corruptChecksum: Bool = false, diskType: UInt32 = 2) throws -> String {
        let footer = Self.vhdFooter(diskType: diskType, currentSize: currentSize, dataOffset: .max, creator: creator,
                                    cylinders: cylinders, heads: heads, sectors: sectors, corruptChecksum: corruptChecksum)
        return try file("fixed.vhd", size: currentSize + 512, [(currentSize, footer)])
    }

    /// Dynamic VHD as qemu writes it: footer copy, `cxsparse` header at 512, BAT at 1536, footer.
    func vhdDynamic(currentSize: UInt64, cylinders: UInt16, heads: UInt8, sectors: UInt8, diskType: UInt32 = 3,
                    dropEndFooter: Bool = false) throws -> String {
        let footer = Self.vhdFooter(diskType: diskType, currentSize: currentSize, dataOffset: 512,
                                    cylinders: cylinders, heads: heads, sectors: sectors)
        let blockSize: UInt64 = 2 << 20
        let entries = (currentSize + blockSize - 1) / blockSize
        var dyn = Bytes(count: 1024)
        dyn.put("cxsparse", at: 0)
        dyn.be(.max, at: 8, width: 8)
        dyn.be(1536, at: 16, width: 8)
        dyn.be(0x0001_0000, at: 24, width: 4)
        dyn.be(entries, at: 28, width: 4)
        dyn.be(blockSize, at: 32, width: 4)
        var sum: UInt32 = 0
        for b in dyn.bytes { sum &+= UInt32(b) }
        dyn.be(UInt64(~sum), at: 36, width: 4)
        let batBytes = (entries * 4 + 511) / 512 * 512
        let bat = [UInt8](repeating: 0xFF, count: Int(batBytes))
        let end = 1536 + batBytes
        var pieces: [(offset: UInt64, bytes: [UInt8])] = [(0, footer), (512, dyn.bytes), (1536, bat)]
        if !dropEndFooter { pieces.append((end, footer)) }
        return try file("dynamic.vhd", size: dropEndFooter ? end : end + 512, pieces)
    }

    // MARK: VMDK (§4, little-endian)

    static func vmdkHeader(version: UInt32, flags: UInt32, capacitySectors: UInt64, gdOffset: UInt64, compress: UInt16) -> [UInt8] {
        var h = Bytes(count: 512)
        h.put("KDMV", at: 0)
        h.le(UInt64(version), at: 4, width: 4)
        h.le(UInt64(flags), at: 8, width: 4)
        h.le(capacitySectors, at: 12, width: 8)
        h.le(128, at: 20, width: 8)                  // grain: 64 KiB
        h.le(1, at: 28, width: 8)                    // descriptor at sector 1
        h.le(20, at: 36, width: 8)                   // descriptor size
        h.le(512, at: 44, width: 4)
        h.le(gdOffset == .max ? 0 : 21, at: 48, width: 8)
        h.le(gdOffset, at: 56, width: 8)
        h.le(128, at: 64, width: 8)
        h.bytes[73] = 0x0A; h.bytes[74] = 0x20; h.bytes[75] = 0x0D; h.bytes[76] = 0x0A
        h.le(UInt64(compress), at: 77, width: 2)
        return h.bytes
    }

    func vmdk(capacitySectors: UInt64, streamOptimized: Bool = false, gdAtEnd: Bool = false) throws -> String {
        let createType = streamOptimized ? "streamOptimized" : "monolithicSparse"
        let header = Self.vmdkHeader(version: streamOptimized ? 3 : 1, flags: streamOptimized ? 0x30003 : 0x3,
                                     capacitySectors: gdAtEnd ? 0 : capacitySectors, gdOffset: gdAtEnd ? .max : 0x96,
                                     compress: streamOptimized ? 1 : 0)
        let descriptor = """
        # Disk DescriptorFile
        version=1
        CID=12345678
        parentCID=ffffffff
        createType="\(createType)"

        # Extent description
        RW \(capacitySectors) SPARSE "disk.vmdk"
        """
        var pieces: [(offset: UInt64, bytes: [UInt8])] = [(0, header), (512, Array(descriptor.utf8))]
        var size: UInt64 = 128 * 512
        if gdAtEnd {
            // Footer marker, footer header (with the real values), end-of-stream marker.
            let footer = Self.vmdkHeader(version: 3, flags: 0x30003, capacitySectors: capacitySectors, gdOffset: 0x80, compress: 1)
            pieces.append((size + 512, footer))
            size += 1536
        }
        return try file("disk.vmdk", size: size, pieces)
    }

    // MARK: ISO 9660 (§5) and raw (§6)

    /// A 175-block ISO like genisoimage's one-file sample; `hybridMBR` adds an MBR signature.
    func iso(hybridMBR: Bool = false) throws -> String {
        var pvd = Bytes(count: 2048)
        pvd.bytes[0] = 1
        pvd.put("CD001", at: 1)
        pvd.bytes[6] = 1
        pvd.le(175, at: 80, width: 4); pvd.be(175, at: 84, width: 4)
        pvd.le(2048, at: 128, width: 2); pvd.be(2048, at: 130, width: 2)
        var terminator = Bytes(count: 7)
        terminator.bytes[0] = 255
        terminator.put("CD001", at: 1)
        terminator.bytes[6] = 1
        var pieces: [(offset: UInt64, bytes: [UInt8])] = [(0x8000, pvd.bytes), (0x8800, terminator.bytes)]
        if hybridMBR { pieces.append((510, [0x55, 0xAA])) }
        return try file("image.iso", size: 175 * 2048, pieces)
    }

    func raw(size: UInt64, mbr: Bool = true) throws -> String {
        try file("disk.raw", size: size, mbr ? [(510, [0x55, 0xAA])] : [])
    }
}

/// A byte buffer with big- and little-endian writers, for building headers from the tables.
struct Bytes {
    var bytes: [UInt8]
    init(count: Int) { bytes = [UInt8](repeating: 0, count: count) }
    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func put(_ ascii: String, at offset: Int) {
        for (i, b) in ascii.unicodeScalars.enumerated() { bytes[offset + i] = UInt8(b.value) }
    }

    mutating func be(_ value: UInt64, at offset: Int, width: Int) {
        for i in 0..<width { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * (width - 1 - i))) }
    }

    mutating func le(_ value: UInt64, at offset: Int, width: Int) {
        for i in 0..<width { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * i)) }
    }
}
