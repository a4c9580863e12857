/// One disk of an image as DescribeImages lists it (`DiskDeviceMappings.DiskDeviceMapping[]`),
/// with the element names of the API reference and the official SDK models.
///
/// The import flow reads it for one reason: `ImportOSSBucket` / `ImportOSSObject` say which
/// object an image was imported from, and Hoist adopts an image of the same name only when that
/// is its own job's object. Every field is optional: an image made from a snapshot or copied
/// from another region has no OSS source at all.
public struct ECSImageDisk: Codable, Sendable, Equatable {
    /// `/dev/xvda`, …
    public var device: String?
    /// GiB, written as a string on the wire.
    public var size: String?
    /// `system` or `data`.
    public var type: String?
    /// `raw`, `qcow2`, `vhd`, …
    public var format: String?
    public var importOSSBucket: String?
    public var importOSSObject: String?
    public var snapshotId: String?
    /// As sent, e.g. `"35%"`.
    public var progress: String?
    /// Seconds left (documented for copy tasks; an integer on the wire).
    public var remainTime: Int?

    public init(device: String? = nil, size: String? = nil, type: String? = nil, format: String? = nil,
                importOSSBucket: String? = nil, importOSSObject: String? = nil, snapshotId: String? = nil,
                progress: String? = nil, remainTime: Int? = nil) {
        self.device = device
        self.size = size
        self.type = type
        self.format = format
        self.importOSSBucket = importOSSBucket
        self.importOSSObject = importOSSObject
        self.snapshotId = snapshotId
        self.progress = progress
        self.remainTime = remainTime
    }

    /// The OSS object this disk was imported from; nil when either name is missing or empty.
    public var importSource: ObjectLocation? {
        guard let bucket = importOSSBucket, !bucket.isEmpty, let key = importOSSObject, !key.isEmpty else { return nil }
        return ObjectLocation(bucket: bucket, key: key)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: ECSKey.self)
        device = c.string("Device")
        size = c.string("Size")
        type = c.string("Type")
        format = c.string("Format")
        importOSSBucket = c.string("ImportOSSBucket")
        importOSSObject = c.string("ImportOSSObject")
        snapshotId = c.string("SnapshotId")
        progress = c.string("Progress")
        remainTime = c.int("RemainTime")
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: ECSKey.self)
        try c.put(device, "Device")
        try c.put(size, "Size")
        try c.put(type, "Type")
        try c.put(format, "Format")
        try c.put(importOSSBucket, "ImportOSSBucket")
        try c.put(importOSSObject, "ImportOSSObject")
        try c.put(snapshotId, "SnapshotId")
        try c.put(progress, "Progress")
        try c.put(remainTime, "RemainTime")
    }
}
