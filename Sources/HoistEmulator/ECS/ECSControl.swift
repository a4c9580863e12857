import Foundation
import HoistCore

/// One imported image as tests and the admin endpoint see it, at the instant it was read.
public struct ECSImageSummary: Codable, Sendable, Equatable {
    public var imageId: String
    public var taskId: String
    public var regionId: String
    public var imageName: String?
    /// `Waiting`, `Creating`, `Available` or `CreateFailed`.
    public var status: String
    /// `Processing`, `Finished`, `Failed` or `Cancelled`.
    public var taskStatus: String
    public var progress: Int
    public var clientToken: String?
    public var failure: ECSImportFailure?
    /// Cancelled images are kept here but no longer listed by DescribeImages.
    public var cancelled: Bool
    /// `oss://bucket/key` of the system disk.
    public var source: String?
    /// The CRC-64 (decimal) of the object's bytes when ImportImage accepted it: the version the
    /// image was made from.
    public var sourceCRC64: String?
    /// Writes to the object while this import still read it; anything but 0 is a mixed image.
    public var sourceWritesDuringImport: Int
    /// The image's tags, as ImportImage gave them.
    public var tags: [String: String]
}

/// The in-process handle on the emulated ECS (`EmulatorServer.ecs`), and what the admin endpoint
/// drives: read and change the settings, fail or delete an image, read the ECS counters. Time is
/// the emulator's clock, fault skew included, the same one requests are served with.
public final class ECSControl: Sendable {
    let registry: ECSImageRegistry
    private let clock: @Sendable () -> Date

    init(registry: ECSImageRegistry, clock: @escaping @Sendable () -> Date) {
        self.registry = registry
        self.clock = clock
    }

    public var settings: ECSEmulatorSettings { registry.settings }

    public func updateSettings(_ body: (inout ECSEmulatorSettings) -> Void) { registry.updateSettings(body) }

    /// Switches the RAM role off (ImportImage answers `NoSetRoletoECSServiceAcount`) or back on.
    public func setImportRoleMissing(_ missing: Bool) { updateSettings { $0.importRoleMissing = missing } }

    /// The next `count` imports end in `CreateFailed` halfway through, with this reason.
    public func failNextImports(_ count: Int, code: String? = nil, message: String? = nil) {
        updateSettings { s in
            s.failNextImports = count
            if let code { s.failureCode = code }
            if let message { s.failureMessage = message }
        }
    }

    public func counters() -> ECSCounterSnapshot { registry.counters }

    public func resetCounters() { registry.resetCounters() }

    /// Every image ever imported (cancelled ones included), newest first.
    public func images() -> [ECSImageSummary] {
        let now = clock()
        return registry.all().map { record in
            let state = record.state(at: now)
            return ECSImageSummary(imageId: record.imageId, taskId: record.taskId, regionId: record.regionId,
                                   imageName: record.request.imageName, status: state.imageStatus.rawValue,
                                   taskStatus: state.taskStatus.rawValue, progress: state.percent,
                                   clientToken: record.request.clientToken, failure: state.failure,
                                   cancelled: !record.isListed,
                                   source: record.request.diskDeviceMappings.first.map { "oss://\($0.ossBucket)/\($0.ossObject)" },
                                   sourceCRC64: record.sourceCRC64.map(String.init),
                                   sourceWritesDuringImport: record.sourceWritesDuringImport,
                                   tags: Dictionary(record.request.tags.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 }))
        }
    }

    public enum ChangeOutcome: String, Sendable, Equatable {
        case done, notFound, notInProgress
    }

    /// Ends a running import as `Available` now.
    @discardableResult
    public func finishImage(_ imageId: String) -> ChangeOutcome {
        switch registry.finish(imageId: imageId, now: clock()) {
        case .done: return .done
        case .notFound: return .notFound
        case .notInProgress: return .notInProgress
        }
    }

    /// Ends a running import in `CreateFailed` now; its task becomes `Failed` with this reason.
    @discardableResult
    public func failImage(_ imageId: String, code: String? = nil, message: String? = nil) -> ChangeOutcome {
        let settings = registry.settings
        let failure = ECSImportFailure(code: code ?? settings.failureCode, message: message ?? settings.failureMessage)
        switch registry.fail(imageId: imageId, failure: failure, now: clock()) {
        case .done: return .done
        case .notFound: return .notFound
        case .notInProgress: return .notInProgress
        }
    }

    /// Forgets an image and its task, as DeleteImage would; its name can be imported again.
    @discardableResult
    public func deleteImage(_ imageId: String) -> Bool { registry.delete(imageId: imageId) }
}
