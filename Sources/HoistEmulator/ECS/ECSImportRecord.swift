import Foundation
import HoistCore

/// Where an import stands at one instant.
struct ECSImportState: Equatable {
    var imageStatus: ECSImageStatus
    var taskStatus: ECSTaskStatus
    /// 0…100.
    var percent: Int
    /// When the task ended, if it has.
    var finished: Date?
    var failure: ECSImportFailure?
}

/// Why an import failed: the `ErrorCode` / `ErrorMsg` DescribeTaskAttribute reports.
public struct ECSImportFailure: Codable, Sendable, Equatable {
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
}

/// One ImportImage: the image, its task and the request that made it.
///
/// Nothing advances it: its state is a pure function of the emulator clock (including the fault
/// clock skew), computed on every read. So no timers run, a test with a 1-second import sees
/// exactly the states a long import passes through, and "fail now" or "cancel now" is just a
/// timestamp recorded here.
struct ECSImportRecord: Sendable {
    var imageId: String
    var taskId: String
    var regionId: String
    /// As received (after validation); replays with the same `ClientToken` must equal it.
    var request: ImportImageRequest
    var created: Date
    /// Seconds spent `Waiting` before `Creating`.
    var waitingSeconds: Double
    /// Seconds from 0% to 100% once `Creating`.
    var importSeconds: Double
    /// Virtual size per disk N, when the stored object revealed it (for `Size`).
    var virtualSizes: [Int: UInt64]
    /// The detected format per disk N (lower-case, as DescribeImages writes it).
    var detectedFormats: [Int: String]
    /// From this instant on the import is `CreateFailed`.
    var failAt: Date?
    var failure: ECSImportFailure?
    /// Set by CancelTask: the task is `Cancelled` and the image no longer listed.
    var cancelled: Date?
    /// Set by the admin endpoint's "finish now": the import is `Available` from this instant.
    var finishedEarly: Date?
    /// The CRC-64 of the system disk's object when ImportImage accepted it: the bytes this image
    /// is made of (nil in discard mode).
    var sourceCRC64: UInt64?
    /// Requests that wrote to the system disk's object while this import was still reading it
    /// (UploadPart, Complete, PutObject): each one could have mixed another build into the image.
    var sourceWritesDuringImport = 0

    /// The instant the import reaches 100% unless it fails or is cancelled first.
    var completion: Date {
        let scheduled = created.addingTimeInterval(max(0, waitingSeconds) + max(0, importSeconds))
        return finishedEarly.map { min($0, scheduled) } ?? scheduled
    }

    func state(at now: Date) -> ECSImportState {
        if let cancelled {
            return ECSImportState(imageStatus: .createFailed, taskStatus: .other("Cancelled"), percent: percent(at: cancelled),
                                  finished: cancelled, failure: ECSImportFailure(code: "OperationCancelled", message: "The task was cancelled by CancelTask."))
        }
        if let failAt, failAt <= now, failAt < completion {
            return ECSImportState(imageStatus: .createFailed, taskStatus: .failed, percent: percent(at: failAt),
                                  finished: failAt, failure: failure)
        }
        if now >= completion {
            return ECSImportState(imageStatus: .available, taskStatus: .finished, percent: 100, finished: completion, failure: nil)
        }
        let waiting = now < created.addingTimeInterval(waitingSeconds)
        return ECSImportState(imageStatus: waiting ? .waiting : .creating, taskStatus: .processing,
                              percent: percent(at: now), finished: nil, failure: nil)
    }

    /// Linear progress while `Creating`, held below 100 until the import is `Available`.
    func percent(at time: Date) -> Int {
        let elapsed = time.timeIntervalSince(created) - max(0, waitingSeconds)
        guard elapsed > 0 else { return 0 }
        guard importSeconds > 0 else { return 100 }
        return min(99, Int(elapsed / importSeconds * 100))
    }

    /// Whole seconds until the import would reach 100%, as `RemainTime` reports it.
    func remainingSeconds(at time: Date) -> Int {
        Int(max(0, completion.timeIntervalSince(time)).rounded(.up))
    }

    /// Whether a listing still shows the image: cancelled imports vanish.
    var isListed: Bool { cancelled == nil }

    /// GiB of the system disk: the requested size, else the image's virtual size rounded up, else
    /// (discard mode, nothing to probe) 40, a typical system disk.
    var sizeGiB: Int {
        if let size = request.diskDeviceMappings.first?.diskImageSize { return size }
        if let virtual = virtualSizes[1] { return max(1, ImportImageDiskSizeLimits.minimumGiB(forVirtualSize: virtual)) }
        return 40
    }
}

/// ECS resource ids: a prefix and 20 lower-case letters and digits, as `m-bp1dqzq3gq3yyq9l4k2x`.
enum ECSResourceIds {
    private static let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")

    static func make(prefix: String) -> String {
        prefix + String((0..<20).map { _ in alphabet.randomElement()! })
    }

    /// A request id shaped like ECS's: an upper-case UUID.
    static func requestId() -> String { UUID().uuidString }
}
