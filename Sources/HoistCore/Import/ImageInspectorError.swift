/// Why a file cannot be imported as it is. `message` is one sentence a person can act on.
public struct ImageInspectorError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        case unreadable(errno: Int32)
        case empty
        case truncated(format: String)
        case zeroVirtualSize(format: String)
        case iso
        case qcowVersion(UInt32)
        case qcow2BackingFile(String)
        case qcow2Encrypted(method: UInt32)
        case qcow2Corrupt
        case qcow2ExternalDataFile
        case vhdx, vdi, qed
        case vhdDifferencing
        case vhdUnknownType(UInt32)
        case vhdChecksum(stored: UInt32, computed: UInt32)
        case vmdkDescriptorOnly
        case vmdkESXSparse
    }

    public var reason: Reason
    public var path: String

    public init(_ reason: Reason, path: String) {
        self.reason = reason
        self.path = path
    }

    public static let isoMessage = "ISO is not importable; convert it to RAW, VHD or QCOW2 first"

    public var message: String {
        switch reason {
        case .unreadable(let code): return "cannot read the image (errno \(code))"
        case .empty: return "the file is empty, so it holds no disk to import"
        case .truncated(let format): return "the \(format) header is truncated; the file is incomplete or damaged, so copy or convert it again"
        case .zeroVirtualSize(let format): return "the \(format) header declares a disk of 0 bytes"
        case .iso: return Self.isoMessage
        case .qcowVersion(let v): return "qcow version \(v) is not supported; convert it with qemu-img convert -O qcow2"
        case .qcow2BackingFile(let name):
            return "the qcow2 image depends on the backing file \"\(name)\"; flatten it first (qemu-img convert -O qcow2 IN OUT)"
        case .qcow2Encrypted(let method):
            return "the qcow2 image is encrypted (\(method == 1 ? "AES" : method == 2 ? "LUKS" : "method \(method)")); ECS cannot read it, so convert it to an unencrypted image first"
        case .qcow2Corrupt: return "the qcow2 image is marked corrupt; repair it with qemu-img check -r all"
        case .qcow2ExternalDataFile: return "the qcow2 image keeps its data in an external file; convert it into a single file first"
        case .vhdx: return "VHDX is not importable; convert it to VHD, RAW or QCOW2 first"
        case .vdi: return "VDI (VirtualBox) is not importable; convert it to RAW, VHD or QCOW2 first"
        case .qed: return "QED is not importable; convert it to QCOW2 or RAW first"
        case .vhdDifferencing: return "the VHD is a differencing disk that needs its parent; merge it into a standalone VHD first"
        case .vhdUnknownType(let t): return "the VHD disk type \(t) is unknown; only fixed and dynamic VHDs can be imported"
        case .vhdChecksum(let stored, let computed):
            return "the VHD footer checksum is wrong (stored 0x\(String(stored, radix: 16)), computed 0x\(String(computed, radix: 16))); the file is damaged or truncated"
        case .vmdkDescriptorOnly:
            return "this is a VMDK descriptor; the disk data is in other files, so convert it to a single QCOW2 or RAW file first"
        case .vmdkESXSparse: return "ESX sparse (COWD) VMDKs are not importable; convert it to QCOW2 or RAW first"
        }
    }

    public var description: String { "\(path): \(message)" }
}
