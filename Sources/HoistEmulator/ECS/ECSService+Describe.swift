import Foundation
import HoistCore

/// The calls that follow an import: DescribeImages, DescribeTasks, DescribeTaskAttribute and
/// CancelTask. All read the registry at the request's instant, so progress is whatever the
/// emulator clock says it is.
extension ECSService {
    func describeImages(_ call: ECSCall, requestId: String, now: Date) throws(ECSError) -> EmulatorResponse {
        let regionId = try call.required("RegionId")
        let page = try ECSPaging(call)
        let statuses = try Self.statusFilter(call.parameter("Status"))
        let ids = Self.list(call.parameter("ImageId"))
        let name = call.parameter("ImageName")
        if let alias = call.parameter("ImageOwnerAlias"), alias != "self" {
            // Only custom images exist here; system, marketplace and shared images are not emulated.
            return json(ECSImageListing(requestId: requestId, regionId: regionId, totalCount: 0, page: page, images: []),
                        requestId: requestId)
        }
        let matching = registry.all().filter { record in
            guard record.isListed, record.regionId == regionId else { return false }
            if !ids.isEmpty && !ids.contains(record.imageId) { return false }
            if let name, !(record.request.imageName ?? "").contains(name) { return false }
            return statuses.contains(record.state(at: now).imageStatus)
        }
        let images = page.slice(matching).map { ECSImageWire(record: $0, state: $0.state(at: now), now: now) }
        return json(ECSImageListing(requestId: requestId, regionId: regionId, totalCount: matching.count, page: page, images: images),
                    requestId: requestId)
    }

    func describeTasks(_ call: ECSCall, requestId: String, now: Date) throws(ECSError) -> EmulatorResponse {
        let regionId = try call.required("RegionId")
        let page = try ECSPaging(call)
        let ids = Self.list(call.parameter("TaskIds"))
        let action = call.parameter("TaskAction")
        let status = call.parameter("TaskStatus")
        let matching = registry.all().filter { record in
            guard record.regionId == regionId else { return false }
            if !ids.isEmpty && !ids.contains(record.taskId) { return false }
            if let action, action != "ImportImage" { return false }
            if let status, record.state(at: now).taskStatus.rawValue != status { return false }
            return true
        }
        let tasks = page.slice(matching).map { Self.task($0, state: $0.state(at: now)) }
        return json(DescribeTasksResponse(requestId: requestId, regionId: regionId, totalCount: matching.count,
                                          pageNumber: page.number, pageSize: page.size, tasks: tasks), requestId: requestId)
    }

    func describeTaskAttribute(_ call: ECSCall, requestId: String, now: Date) throws(ECSError) -> EmulatorResponse {
        let regionId = try call.required("RegionId")
        let taskId = try call.required("TaskId")
        guard let record = registry.record(taskId: taskId), record.regionId == regionId else { throw ECSError.taskNotFound }
        let state = record.state(at: now)
        // `Processing` and `Failed` are documented; `Success` for a finished step is not confirmed.
        let operationStatus: String
        switch state.taskStatus {
        case .processing: operationStatus = "Processing"
        case .finished: operationStatus = "Success"
        default: operationStatus = "Failed"
        }
        let steps = record.request.diskDeviceMappings.enumerated().map { index, disk in
            ECSOperationProgress(
                operationStatus: operationStatus, errorCode: state.failure?.code, errorMsg: state.failure?.message,
                relatedItems: [.init(name: "OSSBucket", value: disk.ossBucket), .init(name: "OSSObject", value: disk.ossObject),
                               .init(name: "ImageFormat", value: record.detectedFormats[index + 1] ?? "raw")])
        }
        let done = state.taskStatus == .finished ? steps.count : 0
        let failed = state.taskStatus == .processing || state.taskStatus == .finished ? 0 : steps.count
        return json(DescribeTaskAttributeResponse(
            requestId: requestId, regionId: regionId, task: Self.task(record, state: state), taskProcess: "\(state.percent)%",
            totalCount: steps.count, successCount: done, failedCount: failed, operationProgress: steps), requestId: requestId)
    }

    func cancelTask(_ call: ECSCall, requestId: String, now: Date) throws(ECSError) -> EmulatorResponse {
        let regionId = try call.required("RegionId")
        let taskId = try call.required("TaskId")
        guard let record = registry.record(taskId: taskId), record.regionId == regionId else { throw ECSError.taskNotFound }
        switch registry.cancel(taskId: taskId, now: now) {
        case .done: return json(CancelTaskResponse(requestId: requestId), requestId: requestId)
        case .notFound: throw ECSError.taskNotFound
        case .notInProgress: throw ECSError.taskStatusIncorrect
        }
    }

    // MARK: Shared pieces

    static func task(_ record: ECSImportRecord, state: ECSImportState) -> ECSTask {
        ECSTask(taskId: record.taskId, taskAction: "ImportImage", taskStatus: state.taskStatus,
                supportCancel: state.taskStatus == .processing, creationTime: minutes(record.created),
                finishedTime: state.finished.map(minutes), resourceId: record.imageId)
    }

    /// Task times are written to the minute in ECS answers (`2015-11-23T02:13Z`).
    static func minutes(_ date: Date) -> String {
        let full = ECSTimestamp.format(date)
        return String(full.prefix(16)) + "Z"
    }

    /// A comma-separated list parameter; ECS also accepts a JSON array for some of them.
    static func list(_ text: String?) -> [String] {
        guard var text, !text.isEmpty else { return [] }
        if text.hasPrefix("[") && text.hasSuffix("]") {
            text = String(text.dropFirst().dropLast()).replacingOccurrences(of: "\"", with: "")
        }
        return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// DescribeImages' `Status`: absent means `Available` only, which is why an import that is
    /// still `Creating` is invisible unless the caller lists the states it wants.
    static func statusFilter(_ text: String?) throws(ECSError) -> Set<ECSImageStatus> {
        guard let text else { return [.available] }
        var statuses: Set<ECSImageStatus> = []
        for item in list(text) {
            if item.caseInsensitiveCompare("All") == .orderedSame { return Set(ECSImageStatus.allCases) }
            guard let status = ECSImageStatus(rawValue: item) else {
                throw ECSError.invalidParameter("Status", "\"\(item)\" is not an image status.")
            }
            statuses.insert(status)
        }
        return statuses
    }
}

/// `PageNumber` (from 1) and `PageSize` (1…100, default 10), as every ECS list call takes them.
struct ECSPaging {
    var number: Int
    var size: Int

    init(_ call: ECSCall) throws(ECSError) {
        number = try Self.value(call, "PageNumber", default: 1, range: 1...Int.max)
        size = try Self.value(call, "PageSize", default: 10, range: 1...100)
    }

    func slice<T>(_ items: [T]) -> [T] {
        let start = (number - 1).multipliedReportingOverflow(by: size)
        guard !start.overflow, start.partialValue < items.count else { return [] }
        return Array(items[start.partialValue..<min(items.count, start.partialValue + size)])
    }

    private static func value(_ call: ECSCall, _ name: String, default fallback: Int, range: ClosedRange<Int>) throws(ECSError) -> Int {
        guard let text = call.parameter(name) else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw ECSError.invalidParameter(name, "It must be a whole number in \(range.lowerBound)…\(range.upperBound).")
        }
        return value
    }
}
