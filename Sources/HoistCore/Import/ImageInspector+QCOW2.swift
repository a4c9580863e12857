/// qcow2 (QEMU copy-on-write, versions 2 and 3): big-endian header at offset 0.
extension ImageInspector {
    static func inspectQCOW(_ file: ImageInspectorFile, head: [UInt8]) throws(ImageInspectorError) -> ImageInspection {
        let path = file.path
        guard head.count >= 8 else { throw ImageInspectorError(.truncated(format: "qcow2"), path: path) }
        let version = UInt32(head.be(4, 4))
        guard version == 2 || version == 3 else { throw ImageInspectorError(.qcowVersion(version), path: path) }
        // A v2 header is 72 bytes; v3 adds feature bits and a length field, at least 104 bytes.
        let minimum = version == 2 ? 72 : 104
        guard head.count >= minimum else { throw ImageInspectorError(.truncated(format: "qcow2"), path: path) }
        let headerLength = version == 3 ? Int(head.be(100, 4)) : 72
        guard headerLength >= minimum, UInt64(headerLength) <= file.size else {
            throw ImageInspectorError(.truncated(format: "qcow2"), path: path)
        }

        let backingOffset = head.be(8, 8)
        if backingOffset != 0 {
            let length = Int(min(head.be(16, 4), 1023))
            let name = try file.read(at: backingOffset, count: length)
            throw ImageInspectorError(.qcow2BackingFile(String(decoding: name, as: UTF8.self)), path: path)
        }
        let crypt = UInt32(head.be(32, 4))
        if crypt != 0 { throw ImageInspectorError(.qcow2Encrypted(method: crypt), path: path) }

        var warnings: [String] = []
        if version == 3 {
            let incompatible = head.be(72, 8)
            if incompatible & 0b010 != 0 { throw ImageInspectorError(.qcow2Corrupt, path: path) }
            if incompatible & 0b100 != 0 { throw ImageInspectorError(.qcow2ExternalDataFile, path: path) }
            if incompatible & 0b001 != 0 {
                warnings.append("the qcow2 image is marked dirty (not closed cleanly); run qemu-img check first")
            }
        }
        let clusterBits = head.be(20, 4)
        let size = head.be(24, 8)
        guard size > 0 else { throw ImageInspectorError(.zeroVirtualSize(format: "qcow2"), path: path) }
        let snapshots = head.be(60, 4)
        if snapshots > 0 {
            warnings.append("the image has \(snapshots) internal snapshot(s); only the active layer is imported")
        }
        let cluster = clusterBits < 32 ? "\((1 << clusterBits) / 1024) KiB clusters" : "cluster_bits \(clusterBits)"
        return ImageInspection(format: .qcow2, virtualSize: size, fileSize: file.size,
                               details: "qcow2 v\(version), \(cluster)", warnings: warnings)
    }
}
