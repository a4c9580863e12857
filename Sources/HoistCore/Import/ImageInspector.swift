/// Works out a disk image's format and virtual size from its header and footer alone, so
/// ImportImage gets the right `Format` and a large enough `DiskImageSize`, and images ECS would
/// refuse (ISO, backing chains, encrypted qcow2, VHDX, …) are refused before any upload.
///
/// The order follows `image-formats.md` §1: magic numbers at offset 0 first, because guest data
/// inside a qcow2 or VMDK can contain anything, including a VHD cookie in its last sector; then
/// the VHD footer; then ISO; raw is the fallback.
public enum ImageInspector {
    /// How much of the start of the file detection looks at: enough for the ISO volume
    /// descriptors at 32 KiB.
    static let headLength = 64 * 1024

    public static func inspect(path: String) throws(ImageInspectorError) -> ImageInspection {
        let file = try ImageInspectorFile(path: path)
        guard file.size > 0 else { throw ImageInspectorError(.empty, path: path) }
        let head = try file.read(at: 0, count: headLength)

        if head.hasBytes([0x51, 0x46, 0x49, 0xFB], at: 0) { return try inspectQCOW(file, head: head) }
        if head.hasBytes("vhdxfile", at: 0) { throw ImageInspectorError(.vhdx, path: path) }
        if head.hasBytes("KDMV", at: 0) { return try inspectVMDK(file, head: head) }
        if head.hasBytes("COWD", at: 0) { throw ImageInspectorError(.vmdkESXSparse, path: path) }
        if head.hasBytes("# Disk DescriptorFile", at: 0) { throw ImageInspectorError(.vmdkDescriptorOnly, path: path) }
        if head.count >= 0x44, head.le(0x40, 4) == 0xBEDA_107F { throw ImageInspectorError(.vdi, path: path) }
        if head.hasBytes("QED\u{0}", at: 0) { throw ImageInspectorError(.qed, path: path) }
        if let vhd = try inspectVHD(file, head: head) { return vhd }
        if isOpticalDisc(head) { throw ImageInspectorError(.iso, path: path) }
        return inspectRaw(file, head: head)
    }

    /// ISO 9660 (`CD001`) or UDF (`BEA01`, `NSR02`, `NSR03`) volume descriptors at 32 KiB.
    /// Checked before raw, because a hybrid ISO also carries an MBR and would pass for a disk.
    static func isOpticalDisc(_ head: [UInt8]) -> Bool {
        ["CD001", "BEA01", "NSR02", "NSR03"].contains { head.hasBytes($0, at: 0x8001) }
    }

    static func inspectRaw(_ file: ImageInspectorFile, head: [UInt8]) -> ImageInspection {
        var details = "raw"
        if head.count >= 520, head.hasBytes("EFI PART", at: 512) {
            details += ", GPT partition table"
        } else if head.count >= 512, head[510] == 0x55, head[511] == 0xAA {
            details += ", MBR boot signature"
        } else {
            details += ", no partition table (a filesystem image can still be imported as a data disk)"
        }
        var warnings: [String] = []
        if file.size % 512 != 0 {
            warnings.append("the size \(file.size) is not a multiple of 512 bytes; the last sector will be padded")
        } else if file.size % (1 << 20) != 0 {
            warnings.append("the size \(file.size) is not a multiple of 1 MiB")
        }
        return ImageInspection(format: .raw, virtualSize: file.size, fileSize: file.size, details: details, warnings: warnings)
    }
}
