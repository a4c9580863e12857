import Foundation
import HoistCore

/// One image as DescribeImages writes it: HoistCore's `ECSImage` fields (shared with the client,
/// so both read and write the same names, `DiskDeviceMappings` with the imported OSS object
/// included) plus the members the client does not model but real SDKs and scripts look at.
struct ECSImageWire: Encodable {
    var image: ECSImage
    var osName: String

    init(record: ECSImportRecord, state: ECSImportState, now: Date) {
        let r = record.request
        let progress = "\(state.percent)%"
        let disks = r.diskDeviceMappings.enumerated().map { index, disk in
            let n = index + 1
            let size = disk.diskImageSize
                ?? record.virtualSizes[n].map { max(1, ImportImageDiskSizeLimits.minimumGiB(forVirtualSize: $0)) } ?? 0
            return ECSImageDisk(
                device: disk.device ?? "/dev/xvd" + String(Character(UnicodeScalar(UInt8(96 + n)))),
                size: String(size), type: n == 1 ? "system" : "data", format: record.detectedFormats[n] ?? "raw",
                importOSSBucket: disk.ossBucket, importOSSObject: disk.ossObject,
                snapshotId: state.imageStatus == .available ? "s-" + record.imageId.dropFirst(2).dropLast() + String(n) : "",
                progress: progress, remainTime: state.finished == nil ? record.remainingSeconds(at: now) : 0)
        }
        image = ECSImage(imageId: record.imageId, imageName: r.imageName, description: r.description,
                         status: state.imageStatus, progress: progress, size: record.sizeGiB,
                         architecture: r.architecture ?? ImportImageVocabulary.defaultArchitecture,
                         osType: r.osType ?? ImportImageVocabulary.defaultOSType,
                         platform: r.platform ?? ImportImageVocabulary.defaultPlatform,
                         bootMode: r.bootMode ?? ((r.architecture == "arm64") ? "UEFI" : "BIOS"),
                         creationTime: ECSTimestamp.format(record.created), tags: r.tags, diskDeviceMappings: disks)
        osName = (r.platform ?? ImportImageVocabulary.defaultPlatform) + " 64 bit"
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        try image.encode(to: encoder)
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(osName, forKey: Key("OSName"))
        try c.encode("none", forKey: Key("Usage"))
        try c.encode(true, forKey: Key("IsSupportCloudinit"))
        try c.encode(true, forKey: Key("IsSupportIoOptimized"))
        try c.encode(true, forKey: Key("IsSelfShared"))
        try c.encode(false, forKey: Key("IsCopied"))
        try c.encode(false, forKey: Key("IsSubscribed"))
        try c.encode(osName, forKey: Key("OSNameEn"))
    }
}

/// The DescribeImages answer (`Images.Image[]`), written with `ECSImageWire` elements.
struct ECSImageListing: Encodable {
    var requestId: String
    var regionId: String
    var totalCount: Int
    var page: ECSPaging
    var images: [ECSImageWire]

    private struct Images: Encodable {
        var Image: [ECSImageWire]
    }

    private enum CodingKeys: String, CodingKey {
        case RequestId, RegionId, TotalCount, PageNumber, PageSize, Images
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(requestId, forKey: .RequestId)
        try c.encode(regionId, forKey: .RegionId)
        try c.encode(totalCount, forKey: .TotalCount)
        try c.encode(page.number, forKey: .PageNumber)
        try c.encode(page.size, forKey: .PageSize)
        try c.encode(Images(Image: images), forKey: .Images)
    }
}
