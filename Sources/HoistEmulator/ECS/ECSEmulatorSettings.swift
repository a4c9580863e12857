import Foundation
import HoistCore

/// How the emulated ECS behaves: how long an import takes, whether the account has the RAM role
/// ImportImage needs, and which imports fail. Set at start (`EmulatorConfig.ecs`, `hoist emulator
/// --ecs-*` flags), changed at run time over `POST /_hoist/admin/ecs/settings` or in-process through
/// `EmulatorServer.ecs`. Every field is optional in JSON, so `{"importRoleMissing": true}` is a
/// valid document.
///
/// Changes apply to imports started afterwards; a running import keeps the timing it began with,
/// so a test can shorten the duration without disturbing an import it is already watching.
public struct ECSEmulatorSettings: Codable, Sendable, Equatable {
    /// Which `DiskImageSize` ranges ImportImage enforces; the documentation changed them over time.
    public enum DiskSizeRange: String, Codable, Sendable, CaseIterable {
        case current, intermediate, legacy

        public var limits: ImportImageDiskSizeLimits {
            switch self {
            case .current: return .current
            case .intermediate: return .intermediate
            case .legacy: return .legacy
            }
        }
    }

    /// Seconds from `Creating` at 0% to `Available` at 100%; progress rises linearly in between.
    public var importSeconds: Double = 5
    /// Seconds an image first spends `Waiting` (queued) before `Creating`; 0 skips the state.
    public var waitingSeconds: Double = 0
    /// The account lacks `AliyunECSImageImportDefaultRole`: ImportImage answers 403
    /// `NoSetRoletoECSServiceAcount`.
    public var importRoleMissing = false
    /// The next N accepted imports end in `CreateFailed` halfway through instead of `Available`.
    public var failNextImports = 0
    /// The `ErrorCode` / `ErrorMsg` a failed import reports in DescribeTaskAttribute.
    public var failureCode = "ImportImageFailed"
    public var failureMessage = "The image failed to import: the image file could not be processed."
    public var diskSizeRange: DiskSizeRange = .current
    /// Accept `Format=VMDK`, an invitational preview on the real service.
    public var acceptsPreviewFormats = false
    /// Read the stored object's header and footer and refuse a `Format` that does not match it.
    public var checksImageFormat = true

    public init(importSeconds: Double = 5, waitingSeconds: Double = 0, importRoleMissing: Bool = false,
                failNextImports: Int = 0, diskSizeRange: DiskSizeRange = .current,
                acceptsPreviewFormats: Bool = false, checksImageFormat: Bool = true) {
        self.importSeconds = importSeconds
        self.waitingSeconds = waitingSeconds
        self.importRoleMissing = importRoleMissing
        self.failNextImports = failNextImports
        self.diskSizeRange = diskSizeRange
        self.acceptsPreviewFormats = acceptsPreviewFormats
        self.checksImageFormat = checksImageFormat
    }

    public init(from decoder: any Decoder) throws {
        self.init()
        try merge(from: decoder)
    }

    /// Overwrites only the fields present in the document: the admin endpoint's POST semantics.
    public mutating func merge(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        importSeconds = try c.decodeIfPresent(Double.self, forKey: .importSeconds) ?? importSeconds
        waitingSeconds = try c.decodeIfPresent(Double.self, forKey: .waitingSeconds) ?? waitingSeconds
        importRoleMissing = try c.decodeIfPresent(Bool.self, forKey: .importRoleMissing) ?? importRoleMissing
        failNextImports = try c.decodeIfPresent(Int.self, forKey: .failNextImports) ?? failNextImports
        failureCode = try c.decodeIfPresent(String.self, forKey: .failureCode) ?? failureCode
        failureMessage = try c.decodeIfPresent(String.self, forKey: .failureMessage) ?? failureMessage
        diskSizeRange = try c.decodeIfPresent(DiskSizeRange.self, forKey: .diskSizeRange) ?? diskSizeRange
        acceptsPreviewFormats = try c.decodeIfPresent(Bool.self, forKey: .acceptsPreviewFormats) ?? acceptsPreviewFormats
        checksImageFormat = try c.decodeIfPresent(Bool.self, forKey: .checksImageFormat) ?? checksImageFormat
    }

    /// `base` with the fields present in the JSON document replaced.
    public static func merging(json: Data, into base: Self) throws -> Self {
        let decoder = JSONDecoder()
        decoder.userInfo[baseKey] = base
        return try decoder.decode(Patched.self, from: json).value
    }

    private static let baseKey = CodingUserInfoKey(rawValue: "hoist.ecs.settings.base")!

    private struct Patched: Decodable {
        var value: ECSEmulatorSettings
        init(from decoder: any Decoder) throws {
            value = decoder.userInfo[ECSEmulatorSettings.baseKey] as? ECSEmulatorSettings ?? ECSEmulatorSettings()
            try value.merge(from: decoder)
        }
    }

    /// The validator these settings call for.
    var validator: ImportImageValidator {
        ImportImageValidator(diskSizeLimits: diskSizeRange.limits, acceptsPreviewFormats: acceptsPreviewFormats)
    }
}

/// What the ECS side did, beyond the per-action request counts every service gets in
/// `CounterSnapshot`. Resume and retry tests read these to prove that a replayed ImportImage
/// (same `ClientToken`) did not create a second image.
public struct ECSCounterSnapshot: Codable, Sendable, Equatable {
    /// ImportImage requests that passed authentication, whatever the outcome.
    public var importImageCalls = 0
    /// Images actually created.
    public var imagesCreated = 0
    /// ImportImage calls answered with an existing image because the `ClientToken` was seen before.
    public var idempotentReplays = 0
    /// ImportImage calls refused with an error (validation, role, object, duplicate name, …).
    public var importsRejected = 0
    /// `DryRun=true` calls that passed every check.
    public var dryRuns = 0
    /// Imports ended in `CreateFailed` (on command or by `failNextImports`), counted when marked.
    public var importsFailed = 0
    /// Import tasks ended by CancelTask.
    public var tasksCancelled = 0
    /// Requests that wrote to an object while an import was still reading it (see
    /// `ECSImageSummary.sourceWritesDuringImport`); Hoist must keep this at 0.
    public var sourceWritesDuringImport = 0

    public init() {}

    // Decoded leniently: a snapshot written before a counter existed lacks it.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        importImageCalls = try c.decodeIfPresent(Int.self, forKey: .importImageCalls) ?? 0
        imagesCreated = try c.decodeIfPresent(Int.self, forKey: .imagesCreated) ?? 0
        idempotentReplays = try c.decodeIfPresent(Int.self, forKey: .idempotentReplays) ?? 0
        importsRejected = try c.decodeIfPresent(Int.self, forKey: .importsRejected) ?? 0
        dryRuns = try c.decodeIfPresent(Int.self, forKey: .dryRuns) ?? 0
        importsFailed = try c.decodeIfPresent(Int.self, forKey: .importsFailed) ?? 0
        tasksCancelled = try c.decodeIfPresent(Int.self, forKey: .tasksCancelled) ?? 0
        sourceWritesDuringImport = try c.decodeIfPresent(Int.self, forKey: .sourceWritesDuringImport) ?? 0
    }
}
