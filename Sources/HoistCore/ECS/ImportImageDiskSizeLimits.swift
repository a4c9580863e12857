/// The accepted `DiskImageSize` ranges in GiB. ECS documentation changed them over time, so
/// they are a setting: the client checks against the current range, and the emulator can play
/// an older service.
public struct ImportImageDiskSizeLimits: Sendable, Equatable {
    /// N = 1.
    public var systemDisk: ClosedRange<Int>
    /// N = 2…17.
    public var dataDisk: ClosedRange<Int>

    public init(systemDisk: ClosedRange<Int>, dataDisk: ClosedRange<Int>) {
        self.systemDisk = systemDisk
        self.dataDisk = dataDisk
    }

    /// Current API reference and SDK 7.x: 1–2048 GiB for every disk. The default.
    public static let current = Self(systemDisk: 1...2048, dataDisk: 1...2048)
    /// Intermediate reference (Java SDK comments): 5–500 / 5–2000 GiB.
    public static let intermediate = Self(systemDisk: 5...500, dataDisk: 5...2000)
    /// Older reference: 5–500 / 5–1000 GiB.
    public static let legacy = Self(systemDisk: 5...500, dataDisk: 5...1000)

    /// GiB needed to hold `virtualSize` bytes: `ceil(size / 2^30)`.
    public static func minimumGiB(forVirtualSize virtualSize: UInt64) -> Int {
        Int((virtualSize + (1 << 30) - 1) >> 30)
    }
}
