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
                                   cancelled: !record.isListed)
        }
    }

    public enum ChangeOutcome: String, Sendable, Equatable {
        case done, notFound, notInProgress
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
