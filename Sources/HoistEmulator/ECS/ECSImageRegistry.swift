import Foundation
import HoistCore

/// Every imported image and its task, the `ClientToken`s seen, the live settings and the
/// ECS counters, behind one lock.
///
/// The checks that must be atomic with creating an image (is this token new, is the name free,
/// is this the import that should fail) run in a single critical section, so two concurrent
/// retries of the same ImportImage produce one image, never two.
final class ECSImageRegistry: Sendable {
    private struct State {
        var settings: ECSEmulatorSettings
        var counters = ECSCounterSnapshot()
        /// By image id.
        var records: [String: ECSImportRecord] = [:]
        /// Image ids in creation order, so listings are stable.
        var order: [String] = []
        var imageByTask: [String: String] = [:]
        var imageByToken: [String: String] = [:]
    }

    /// What a `ClientToken` says about an ImportImage before any other check.
    enum TokenMatch {
        /// No token, or a token never seen: go on.
        case new
        /// Same token, same parameters: answer with this record, create nothing.
        case replay(ECSImportRecord)
        /// Same token, different parameters.
        case mismatch
    }

    private let state: Locked<State>

    init(settings: ECSEmulatorSettings) {
        state = Locked(State(settings: settings))
    }

    // MARK: Settings and counters

    var settings: ECSEmulatorSettings { state.withLock { $0.settings } }

    func updateSettings(_ body: (inout ECSEmulatorSettings) -> Void) {
        state.withLock { body(&$0.settings) }
    }

    var counters: ECSCounterSnapshot { state.withLock { $0.counters } }

    func resetCounters() { state.withLock { $0.counters = ECSCounterSnapshot() } }

    func count(_ field: WritableKeyPath<ECSCounterSnapshot, Int>) {
        state.withLock { $0.counters[keyPath: field] += 1 }
    }

    // MARK: ImportImage

    func match(token request: ImportImageRequest) -> TokenMatch {
        state.withLock { Self.match(request, in: $0) }
    }

    private static func match(_ request: ImportImageRequest, in s: State) -> TokenMatch {
        guard let token = request.clientToken, let id = s.imageByToken[token], let record = s.records[id] else { return .new }
        return record.request == request ? .replay(record) : .mismatch
    }

    /// Whether a listed image in `regionId` already has this name.
    func nameTaken(_ name: String?, regionId: String) -> Bool {
        state.withLock { Self.nameTaken(name, regionId: regionId, in: $0) }
    }

    private static func nameTaken(_ name: String?, regionId: String, in s: State) -> Bool {
        guard let name else { return false }
        return s.records.values.contains { $0.isListed && $0.regionId == regionId && $0.request.imageName == name }
    }

    enum Creation {
        case created(ECSImportRecord)
        case replay(ECSImportRecord)
        case mismatch
        case nameTaken
    }

    /// Creates the image and task, re-checking the token and the name under the lock, and hands
    /// the import a scheduled failure if `failNextImports` asks for one.
    func create(_ request: ImportImageRequest, virtualSizes: [Int: UInt64], formats: [Int: String], sourceCRC64: UInt64?,
                now: Date) -> Creation {
        state.withLock { s in
            switch Self.match(request, in: s) {
            case .replay(let record):
                s.counters.idempotentReplays += 1
                return .replay(record)
            case .mismatch:
                return .mismatch
            case .new:
                break
            }
            if Self.nameTaken(request.imageName, regionId: request.regionId, in: s) { return .nameTaken }
            var record = ECSImportRecord(
                imageId: ECSResourceIds.make(prefix: "m-"), taskId: ECSResourceIds.make(prefix: "t-"),
                regionId: request.regionId, request: request, created: now,
                waitingSeconds: s.settings.waitingSeconds, importSeconds: s.settings.importSeconds,
                virtualSizes: virtualSizes, detectedFormats: formats)
            record.sourceCRC64 = sourceCRC64
            if s.settings.failNextImports > 0 {
                s.settings.failNextImports -= 1
                record.failAt = now.addingTimeInterval(max(0, record.waitingSeconds) + max(0, record.importSeconds) / 2)
                record.failure = ECSImportFailure(code: s.settings.failureCode, message: s.settings.failureMessage)
                s.counters.importsFailed += 1
            }
            s.records[record.imageId] = record
            s.order.append(record.imageId)
            s.imageByTask[record.taskId] = record.imageId
            if let token = request.clientToken { s.imageByToken[token] = record.imageId }
            s.counters.imagesCreated += 1
            return .created(record)
        }
    }

    // MARK: Reads

    func record(imageId: String) -> ECSImportRecord? { state.withLock { $0.records[imageId] } }

    func record(taskId: String) -> ECSImportRecord? {
        state.withLock { s in s.imageByTask[taskId].flatMap { s.records[$0] } }
    }

    /// Every record, newest first (the order DescribeImages and DescribeTasks list them in).
    func all() -> [ECSImportRecord] {
        state.withLock { s in s.order.reversed().compactMap { s.records[$0] } }
    }

    // MARK: Out-of-band changes

    enum ChangeResult: Equatable {
        case done
        case notFound
        /// The import already ended (`Available`, `CreateFailed` or cancelled).
        case notInProgress
    }

    /// Ends a running import in `CreateFailed` at `now`.
    func fail(imageId: String, failure: ECSImportFailure, now: Date) -> ChangeResult {
        state.withLock { s in
            guard var record = s.records[imageId], record.isListed else { return .notFound }
            guard record.state(at: now).taskStatus == .processing else { return .notInProgress }
            record.failAt = now
            record.failure = failure
            s.records[imageId] = record
            s.counters.importsFailed += 1
            return .done
        }
    }

    /// A request is writing to `bucket`/`key`: every import still reading that object (its
    /// system disk) counts it, and the ECS counters keep the total.
    func noteWrite(bucket: String, key: String, now: Date) {
        state.withLock { s in
            for (id, record) in s.records where record.isListed {
                guard let disk = record.request.diskDeviceMappings.first, disk.ossBucket == bucket, disk.ossObject == key,
                      record.state(at: now).taskStatus == .processing else { continue }
                s.records[id]?.sourceWritesDuringImport += 1
                s.counters.sourceWritesDuringImport += 1
            }
        }
    }

    /// Ends a running import as `Available` now, as if ECS had finished reading.
    func finish(imageId: String, now: Date) -> ChangeResult {
        state.withLock { s in
            guard var record = s.records[imageId], record.isListed else { return .notFound }
            guard record.state(at: now).taskStatus == .processing else { return .notInProgress }
            record.finishedEarly = now
            s.records[imageId] = record
            return .done
        }
    }

    /// CancelTask: the task ends as `Cancelled` and the image stops being listed.
    func cancel(taskId: String, now: Date) -> ChangeResult {
        state.withLock { s in
            guard let id = s.imageByTask[taskId], var record = s.records[id] else { return .notFound }
            guard record.state(at: now).taskStatus == .processing else { return .notInProgress }
            record.cancelled = now
            s.records[id] = record
            s.counters.tasksCancelled += 1
            return .done
        }
    }

    /// Forgets an image and its task entirely (what DeleteImage would do); its name becomes free.
    func delete(imageId: String) -> Bool {
        state.withLock { s in
            guard let record = s.records.removeValue(forKey: imageId) else { return false }
            s.order.removeAll { $0 == imageId }
            s.imageByTask[record.taskId] = nil
            if let token = record.request.clientToken, s.imageByToken[token] == imageId { s.imageByToken[token] = nil }
            return true
        }
    }
}
