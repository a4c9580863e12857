/// The disk image formats Hoist can hand to ImportImage. The raw value is ImportImage's
/// `DiskDeviceMapping.N.Format` value.
public enum ImageFormat: String, Sendable, CaseIterable, Equatable {
    case raw = "RAW"
    case vhd = "VHD"
    case qcow2 = "QCOW2"
    /// Accepted by ImportImage only as an invitational preview.
    case vmdk = "VMDK"

    public var importFormat: String { rawValue }
}
