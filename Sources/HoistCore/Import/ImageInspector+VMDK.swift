/// VMDK sparse extents (monolithicSparse, streamOptimized): little-endian `KDMV` header.
extension ImageInspector {
    static func inspectVMDK(_ file: ImageInspectorFile, head: [UInt8]) throws(ImageInspectorError) -> ImageInspection {
        let path = file.path
        guard head.count >= 512 else { throw ImageInspectorError(.truncated(format: "VMDK"), path: path) }
        var header = head
        // streamOptimized files may defer the real header to a footer (gdOffset = GD_AT_END).
        if head.le(56, 8) == UInt64.max {
            guard file.size >= 1024 + 512 else { throw ImageInspectorError(.truncated(format: "VMDK"), path: path) }
            let footer = try file.read(at: file.size - 1024, count: 512)
            guard footer.count == 512, footer.hasBytes("KDMV", at: 0) else {
                throw ImageInspectorError(.truncated(format: "VMDK"), path: path)
            }
            header = footer
        }
        let version = header.le(4, 4)
        let flags = header.le(8, 4)
        let capacity = header.le(12, 8)
        guard capacity > 0, capacity <= UInt64.max / 512 else {
            throw ImageInspectorError(.zeroVirtualSize(format: "VMDK"), path: path)
        }
        let createType = try descriptorCreateType(file, header: head) ?? (flags & (1 << 16) != 0 ? "streamOptimized" : "sparse")
        return ImageInspection(
            format: .vmdk, virtualSize: capacity * 512, fileSize: file.size,
            details: "VMDK v\(version) \(createType), \(header.le(20, 8) / 2) KiB grains",
            warnings: ["ImportImage accepts VMDK only as an invitational preview; converting to QCOW2 (qemu-img convert -O qcow2) is safer"])
    }

    /// `createType` from the embedded text descriptor, when there is one.
    static func descriptorCreateType(_ file: ImageInspectorFile, header: [UInt8]) throws(ImageInspectorError) -> String? {
        let offset = header.le(28, 8), sectors = header.le(36, 8)
        guard offset > 0, sectors > 0, offset <= file.size / 512 else { return nil }
        let text = String(decoding: try file.read(at: offset * 512, count: Int(min(sectors, 128)) * 512), as: UTF8.self)
        for line in text.split(whereSeparator: \.isNewline) where line.hasPrefix("createType") {
            let parts = line.split(separator: "\"")
            if parts.count >= 2 { return String(parts[1]) }
        }
        return nil
    }
}
