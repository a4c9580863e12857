/// The metadata of an empty qcow2 v3 image as qemu-img lays one out: the 112-byte header in
/// cluster 0, the refcount table in cluster 1 and the L1 table in cluster 2 (64 KiB clusters,
/// no backing file, no encryption). `hoist demo` writes its image with it, and tests build their
/// qcow2 files with it, so both are what `ImageInspector` and the emulator's format probe read
/// and nothing binary is committed. The inverse of `ImageInspector.inspectQCOW` for this case.
public enum QCOW2Header {
    public static let clusterSize: Int64 = 64 << 10
    /// The header, refcount table and L1 table clusters: the smallest whole image.
    public static let metadataSize: Int64 = 3 * clusterSize

    /// The header (big-endian fields, offsets from the qcow2 specification) of a disk of
    /// `virtualSize` bytes.
    public static func bytes(virtualSize: UInt64) -> [UInt8] {
        var h = [UInt8](repeating: 0, count: 112)
        func be(_ value: UInt64, _ offset: Int, _ width: Int) {
            for i in 0..<width { h[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * (width - 1 - i))) }
        }
        h.replaceSubrange(0..<4, with: [0x51, 0x46, 0x49, 0xFB]) // "QFI\xfb"
        be(3, 4, 4)                                             // version
        be(16, 20, 4)                                           // cluster_bits: 64 KiB clusters
        be(virtualSize, 24, 8)
        be((virtualSize + (1 << 29) - 1) >> 29, 36, 4)          // l1_size: one entry per 512 MiB
        be(UInt64(2 * clusterSize), 40, 8)                      // l1_table_offset
        be(UInt64(clusterSize), 48, 8)                          // refcount_table_offset
        be(1, 56, 4)                                            // refcount_table_clusters
        be(4, 96, 4)                                            // refcount_order
        be(112, 100, 4)                                         // header_length
        return h
    }
}
