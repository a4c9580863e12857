/// What `ImageInspector` learnt about a file: enough to fill ImportImage's `Format` and
/// `DiskImageSize` and to explain the choice.
public struct ImageInspection: Sendable, Equatable {
    public var format: ImageFormat
    /// Bytes the guest sees; this, not the file size, decides `DiskImageSize`.
    public var virtualSize: UInt64
    public var fileSize: UInt64
    /// One line for status output, e.g. `qcow2 v3, 64 KiB clusters`.
    public var details: String
    /// Things that do not stop the import but deserve a look.
    public var warnings: [String]

    public init(format: ImageFormat, virtualSize: UInt64, fileSize: UInt64, details: String, warnings: [String] = []) {
        self.format = format
        self.virtualSize = virtualSize
        self.fileSize = fileSize
        self.details = details
        self.warnings = warnings
    }

    /// ImportImage's `DiskDeviceMapping.N.Format` value.
    public var importFormat: String { format.importFormat }

    /// The smallest `DiskImageSize` that holds the image: `ceil(virtualSize / GiB)`, at least 1.
    public var minimumDiskImageSizeGiB: Int {
        max(1, ImportImageDiskSizeLimits.minimumGiB(forVirtualSize: virtualSize))
    }
}
