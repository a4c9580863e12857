/// VHD ("vpc"): a 512-byte big-endian footer at the end of the file for every disk type; a
/// dynamic disk also keeps a copy at offset 0 and a `cxsparse` header at `data offset`.
extension ImageInspector {
    /// Nil when there is no VHD footer, so detection moves on to ISO and raw.
    static func inspectVHD(_ file: ImageInspectorFile, head: [UInt8]) throws(ImageInspectorError) -> ImageInspection? {
        let path = file.path
        var footer: [UInt8] = []
        // Old Virtual PC versions wrote a 511-byte footer.
        for length in [512, 511] where file.size >= UInt64(length) {
            let tail = try file.read(at: file.size - UInt64(length), count: length)
            if tail.hasBytes("conectix", at: 0) {
                footer = tail
                break
            }
        }
        if footer.isEmpty {
            // A footer copy at offset 0 without one at the end: a dynamic VHD cut short.
            if head.hasBytes("conectix", at: 0) { throw ImageInspectorError(.truncated(format: "VHD"), path: path) }
            return nil
        }

        let stored = UInt32(footer.be(64, 4))
        let computed = vhdChecksum(footer)
        guard stored == computed else { throw ImageInspectorError(.vhdChecksum(stored: stored, computed: computed), path: path) }

        let currentSize = footer.be(48, 8)
        let diskType = UInt32(footer.be(60, 4))
        let creator = String(decoding: footer[28..<32], as: UTF8.self).trimmingTrailingSpaces
        let geometry = "CHS \(footer.be(56, 2))/\(footer[58])/\(footer[59])"
        var warnings: [String] = []
        guard currentSize > 0 else { throw ImageInspectorError(.zeroVirtualSize(format: "VHD"), path: path) }

        switch diskType {
        case 2:
            // The disk bytes precede the footer; a shorter file lost data.
            // Written as a difference: a damaged footer's size can be near 2^64.
            guard currentSize <= file.size, file.size - currentSize >= UInt64(footer.count) else {
                throw ImageInspectorError(.truncated(format: "VHD"), path: path)
            }
            if file.size != currentSize + UInt64(footer.count) {
                warnings.append("the fixed VHD is \(file.size) bytes, not current size + footer (\(currentSize + UInt64(footer.count)))")
            }
            return ImageInspection(format: .vhd, virtualSize: currentSize, fileSize: file.size,
                                   details: "VHD fixed, creator \(creator), \(geometry)", warnings: warnings)
        case 3:
            let dataOffset = footer.be(16, 8)
            let header = try file.read(at: dataOffset, count: 1024)
            guard header.count == 1024, header.hasBytes("cxsparse", at: 0) else {
                throw ImageInspectorError(.truncated(format: "VHD dynamic"), path: path)
            }
            if !head.hasBytes("conectix", at: 0) {
                warnings.append("the dynamic VHD has no footer copy at offset 0")
            }
            let block = header.be(32, 4)
            return ImageInspection(format: .vhd, virtualSize: currentSize, fileSize: file.size,
                                   details: "VHD dynamic, \(block / 1024) KiB blocks, creator \(creator), \(geometry)",
                                   warnings: warnings)
        case 4:
            throw ImageInspectorError(.vhdDifferencing, path: path)
        default:
            throw ImageInspectorError(.vhdUnknownType(diskType), path: path)
        }
    }

    /// One's complement of the byte sum of the footer, with the checksum field counted as zero.
    static func vhdChecksum(_ footer: [UInt8]) -> UInt32 {
        var sum: UInt32 = 0
        for (i, byte) in footer.enumerated() where !(64..<68).contains(i) {
            sum &+= UInt32(byte)
        }
        return ~sum
    }
}

extension String {
    var trimmingTrailingSpaces: String {
        var s = self
        while s.last == " " || s.last == "\u{0}" { s.removeLast() }
        return s
    }
}
