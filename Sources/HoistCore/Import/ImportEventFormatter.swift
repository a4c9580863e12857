import Foundation

/// Turns `ImportEvent`s into output text in one of three styles:
///
/// - `terminal`: progress redraws one live line (`\r` and erase-line) so a long import does not
///   scroll; other events print as lines above it.
/// - `plain`: one line per event, progress only when it changes; for logs and pipes.
/// - `json`: one JSON object per line with a stable `event` name, for scripts and CI.
///
/// It lives beside the events rather than in the executable so the exact text is testable and
/// shared by `hoist import`, `hoist retry` and the chained `hoist upload --import`.
public struct ImportEventFormatter: Sendable {
    public enum Style: String, Sendable, CaseIterable {
        case terminal, plain, json
    }

    public let style: Style
    /// A terminal progress line is showing without its line end.
    private var liveLine = false
    private var lastProgress: ImportEvent?

    public init(style: Style) {
        self.style = style
    }

    /// The text to write for `event`, line ends included; nil when there is nothing to show.
    public mutating func render(_ event: ImportEvent, at date: Date = Date()) -> String? {
        if case .progress = event {
            if event == lastProgress, style != .terminal { return nil }
            lastProgress = event
        }
        switch style {
        case .json:
            return Self.json(event, at: date) + "\n"
        case .plain:
            return Self.sentence(event) + "\n"
        case .terminal:
            let erase = liveLine ? "\r\u{1B}[2K" : ""
            if case let .progress(jobId, status, percent) = event {
                liveLine = true
                return erase + Self.progressLine(jobId: jobId, status: status, percent: percent)
            }
            liveLine = false
            return erase + Self.sentence(event) + "\n"
        }
    }

    /// Ends a live terminal line, so whatever is printed next starts on a fresh line.
    public mutating func finish() -> String? {
        guard liveLine else { return nil }
        liveLine = false
        return "\n"
    }

    /// One sentence per event, without a line end.
    public static func sentence(_ event: ImportEvent) -> String {
        switch event {
        case let .inspected(path, i):
            return "inspected \(path): \(i.details), virtual size \(bytes(i.virtualSize)); Format \(i.importFormat), "
                + "DiskImageSize at least \(i.minimumDiskImageSizeGiB) GiB"
                + i.warnings.map { "; note: \($0)" }.joined()
        case let .tokenCommitted(jobId, token, reused):
            return reused
                ? "job \(jobId): continuing the import started earlier (ClientToken \(token))"
                : "job \(jobId): ClientToken \(token) committed to the journal"
        case let .adopted(jobId, imageId, taskId, status, proof):
            return "job \(jobId): adopted the existing image \(imageId) (\(status)\(taskId.map { ", task \($0)" } ?? "")) "
                + "instead of importing again: \(proof)"
        case let .waitingForEarlierImport(jobId, imageId, object, status, percent):
            return "waiting: job \(jobId)'s import of image \(imageId) still reads \(object) (\(status)"
                + "\(percent.map { " \($0)%" } ?? "")); this upload starts when it ends, so it never overwrites what ECS is reading"
        case let .submitted(jobId, taskId, imageId):
            return "job \(jobId): ImportImage started task \(taskId) for image \(imageId)"
        case let .resumed(jobId, taskId, imageId):
            return "job \(jobId): following the import of image \(imageId ?? "?")\(taskId.map { " (task \($0))" } ?? "")"
        case let .progress(jobId, status, percent):
            return "job \(jobId): \(status)\(percent.map { " \($0)%" } ?? "")"
        case let .retrying(operation, attempt, delay, reason):
            return "\(operation) failed (\(reason)); attempt \(attempt) in \(String(format: "%.1f", delay.seconds)) s"
        case let .warning(text):
            return "warning: \(text)"
        case let .available(jobId, imageId):
            return "job \(jobId): image \(imageId) is Available"
        case let .failed(jobId, reason):
            return "job \(jobId): import failed: \(reason)"
        case let .cancelled(jobId):
            return "job \(jobId): import cancelled"
        }
    }

    /// `job j-1a2b3c4d  Creating  [########------------]  40%`
    static func progressLine(jobId: String, status: String, percent: Int?) -> String {
        let width = 20
        guard let percent else { return "job \(jobId)  \(status)  [\(String(repeating: "?", count: width))]" }
        let filled = width * percent / 100
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        return "job \(jobId)  \(status)  [\(bar)] \(String(repeating: " ", count: percent < 10 ? 2 : percent < 100 ? 1 : 0))\(percent)%"
    }

    static func json(_ event: ImportEvent, at date: Date) -> String {
        var fields: [String: Any] = ["event": event.name, "time": ISO8601DateFormatter().string(from: date)]
        switch event {
        case let .inspected(path, i):
            fields.merge(["path": path, "format": i.importFormat, "virtualSize": i.virtualSize, "fileSize": i.fileSize,
                          "details": i.details, "warnings": i.warnings]) { $1 }
        case let .tokenCommitted(jobId, token, reused):
            fields.merge(["job": jobId, "clientToken": token, "reused": reused]) { $1 }
        case let .adopted(jobId, imageId, taskId, status, proof):
            fields.merge(["job": jobId, "imageId": imageId, "status": status, "provenance": proof]) { $1 }
            if let taskId { fields["taskId"] = taskId }
        case let .waitingForEarlierImport(jobId, imageId, object, status, percent):
            fields.merge(["job": jobId, "imageId": imageId, "object": object.description, "status": status]) { $1 }
            if let percent { fields["percent"] = percent }
        case let .submitted(jobId, taskId, imageId):
            fields.merge(["job": jobId, "taskId": taskId, "imageId": imageId]) { $1 }
        case let .resumed(jobId, taskId, imageId):
            fields["job"] = jobId
            if let taskId { fields["taskId"] = taskId }
            if let imageId { fields["imageId"] = imageId }
        case let .progress(jobId, status, percent):
            fields.merge(["job": jobId, "status": status]) { $1 }
            if let percent { fields["percent"] = percent }
        case let .retrying(operation, attempt, delay, reason):
            fields.merge(["operation": operation, "attempt": attempt, "delaySeconds": delay.seconds, "reason": reason]) { $1 }
        case let .warning(text):
            fields["message"] = text
        case let .available(jobId, imageId):
            fields.merge(["job": jobId, "imageId": imageId]) { $1 }
        case let .failed(jobId, reason):
            fields.merge(["job": jobId, "reason": reason]) { $1 }
        case let .cancelled(jobId):
            fields["job"] = jobId
        }
        let data = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// `40.0 GiB`, `512.0 MiB`, `900 bytes`.
    static func bytes(_ n: UInt64) -> String {
        let units: [(UInt64, String)] = [(1 << 40, "TiB"), (1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")]
        for (size, name) in units where n >= size {
            return String(format: "%.1f", Double(n) / Double(size)) + " " + name
        }
        return "\(n) bytes"
    }
}
