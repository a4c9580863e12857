/// How a file is cut into multipart-upload parts.
///
/// The plan is a pure function of the file size, the configured part size and OSS's limits, so a
/// resumed upload that recomputes it from the journal's size and part size gets exactly the same
/// parts, offsets and lengths as the run that started the upload. Nothing here touches the file.
public struct PartPlan: Sendable, Equatable, Hashable {
    /// One part: a numbered, contiguous byte range of the source file.
    public struct Part: Sendable, Equatable, Hashable {
        /// 1-based, as OSS numbers parts.
        public let number: Int
        /// Byte offset of the first byte of the part in the source file.
        public let offset: Int64
        /// Number of bytes; only the last part may be shorter than `PartPlan.partSize`.
        public let length: Int64

        public init(number: Int, offset: Int64, length: Int64) {
            self.number = number
            self.offset = offset
            self.length = length
        }

        /// One past the last byte of the part.
        public var end: Int64 { offset + length }
    }

    /// The service limits a plan must respect. `oss` is the real service; tests lower the
    /// minimum because the emulator accepts tiny parts in test mode.
    public struct Limits: Sendable, Equatable, Hashable {
        /// Smallest part size the caller may configure (every part but the last must reach it).
        public var minimumPartSize: Int64
        /// Largest size of any single part.
        public var maximumPartSize: Int64
        /// Largest number of parts in one upload.
        public var maximumPartCount: Int

        public init(minimumPartSize: Int64, maximumPartSize: Int64, maximumPartCount: Int) {
            self.minimumPartSize = minimumPartSize
            self.maximumPartSize = maximumPartSize
            self.maximumPartCount = maximumPartCount
        }

        /// OSS: 100 KiB minimum (all but the last part), 5 GiB maximum, 10,000 parts.
        public static let oss = Limits(
            minimumPartSize: 100 * PartPlan.kibibyte,
            maximumPartSize: 5 * PartPlan.gibibyte,
            maximumPartCount: 10_000)

        /// The largest file these limits can carry: every part at the maximum size.
        /// For OSS this is 10,000 × 5 GiB = 53,687,091,200,000 bytes (the documented "48.8 TB").
        public var maximumFileSize: Int64 { maximumPartSize * Int64(maximumPartCount) }
    }

    public static let kibibyte: Int64 = 1024
    public static let mebibyte: Int64 = 1024 * 1024
    public static let gibibyte: Int64 = 1024 * 1024 * 1024
    /// The part size used when the configuration says nothing: large enough that per-request
    /// overhead is small, small enough that a lost part costs seconds, not minutes.
    public static let defaultPartSize: Int64 = 64 * mebibyte

    /// Size of the source file in bytes.
    public let fileSize: Int64
    /// Size of every part except possibly the last.
    public let partSize: Int64
    /// Number of parts, `1...limits.maximumPartCount`.
    public let partCount: Int

    /// Plans the parts of a file of `fileSize` bytes.
    ///
    /// The part size is the configured size, raised only when the file would need more than
    /// `limits.maximumPartCount` parts, and then to the smallest whole number of MiB that fits.
    /// Rounding to MiB keeps the chosen size readable in logs and stable across small size
    /// differences.
    public init(
        fileSize: Int64,
        configuredPartSize: Int64 = PartPlan.defaultPartSize,
        limits: Limits = .oss
    ) throws(PartPlanError) {
        guard fileSize > 0 else { throw .emptyFile }
        guard fileSize <= limits.maximumFileSize else {
            throw .fileTooLarge(size: fileSize, limit: limits.maximumFileSize)
        }
        guard configuredPartSize >= limits.minimumPartSize else {
            throw .partSizeTooSmall(configured: configuredPartSize, minimum: limits.minimumPartSize)
        }
        guard configuredPartSize <= limits.maximumPartSize else {
            throw .partSizeTooLarge(configured: configuredPartSize, maximum: limits.maximumPartSize)
        }
        let count = Int64(limits.maximumPartCount)
        let smallestFitting = (fileSize + count - 1) / count
        let partSize: Int64
        if configuredPartSize >= smallestFitting {
            // Test-sized parts (100 KiB, 1 MiB) stay exactly as configured.
            partSize = configuredPartSize
        } else {
            // Rounding up can overshoot only a maximum that is not a whole MiB; the maximum
            // itself still fits, because fileSize <= maximumFileSize.
            let roundedToMiB = (smallestFitting + Self.mebibyte - 1) / Self.mebibyte * Self.mebibyte
            partSize = min(roundedToMiB, limits.maximumPartSize)
        }
        self.fileSize = fileSize
        self.partSize = partSize
        self.partCount = Int((fileSize + partSize - 1) / partSize)
    }

    /// Rebuilds a plan exactly as recorded (for example in the journal), checking only that the
    /// recorded numbers are self-consistent. A resumed upload must keep its original part size
    /// even if the configured default has changed since.
    public init(fileSize: Int64, recordedPartSize: Int64, limits: Limits = .oss) throws(PartPlanError) {
        guard fileSize > 0 else { throw .emptyFile }
        guard recordedPartSize > 0, recordedPartSize <= limits.maximumPartSize else {
            throw .partSizeTooLarge(configured: recordedPartSize, maximum: limits.maximumPartSize)
        }
        let count = (fileSize + recordedPartSize - 1) / recordedPartSize
        guard count <= Int64(limits.maximumPartCount) else {
            throw .fileTooLarge(size: fileSize, limit: recordedPartSize * Int64(limits.maximumPartCount))
        }
        self.fileSize = fileSize
        self.partSize = recordedPartSize
        self.partCount = Int(count)
    }

    /// The part with the given 1-based number, or `nil` outside `1...partCount`.
    public func part(_ number: Int) -> Part? {
        guard number >= 1, number <= partCount else { return nil }
        let offset = Int64(number - 1) * partSize
        return Part(number: number, offset: offset, length: min(partSize, fileSize - offset))
    }

    /// All parts in order. Computed on demand, so a 10,000-part plan costs nothing until used.
    public var parts: some RandomAccessCollection<Part> {
        (1...partCount).lazy.map { [self] in self.part($0)! }
    }

    /// Size of the final part, which may be shorter than `partSize`.
    public var lastPartLength: Int64 { fileSize - Int64(partCount - 1) * partSize }
}

/// Why a file cannot be planned; each case reads as a sentence an operator can act on.
public enum PartPlanError: Error, Equatable, Sendable, CustomStringConvertible {
    case emptyFile
    case fileTooLarge(size: Int64, limit: Int64)
    case partSizeTooSmall(configured: Int64, minimum: Int64)
    case partSizeTooLarge(configured: Int64, maximum: Int64)

    public var description: String {
        switch self {
        case .emptyFile:
            "empty file: there is nothing to upload"
        case let .fileTooLarge(size, limit):
            "file is too large for a multipart upload: \(size) bytes, the limit is \(limit) bytes"
        case let .partSizeTooSmall(configured, minimum):
            "part size \(configured) bytes is below the minimum of \(minimum) bytes"
        case let .partSizeTooLarge(configured, maximum):
            "part size \(configured) bytes is above the maximum of \(maximum) bytes"
        }
    }
}
