import Foundation
import HoistCore

/// What the agent reports as it works, one readable line each (`hoist agent` prints them on
/// stderr, where journalctl collects them). Progress is not an event: it goes to the status
/// line and the metrics, so the log stays one line per thing that happened.
public enum AgentEvent: Sendable, CustomStringConvertible {
    case watching([String])
    case ready
    case taken(file: String)
    case resuming(file: String, jobId: String)
    /// A notable step of a running job (started, network down, import submitted…).
    case step(file: String, String)
    case done(file: String, result: String)
    case failed(file: String, error: String, summary: String)
    /// Not a failure: the job is tried again after `delay`.
    case retryLater(file: String, reason: String, delay: Duration)
    case stopping
    case problem(String)
    /// SIGHUP read the config again and applied it.
    case reloaded(AgentSettingsChange)
    /// SIGHUP found a config that cannot be used: nothing changed.
    case reloadFailed(String)
    /// The journal file was removed or replaced under the running agent (`UploadJournal.fileChange`):
    /// it takes no more files and stops, so that a restart opens a journal that is really on disk.
    case journalLost(String)
    /// Retention removed this many ended jobs from the journal (`keep-jobs`).
    case pruned(count: Int, keptSeconds: Double)

    public var description: String {
        let line = text
        return line
    }

    /// `name` with control characters written as escapes (`\n`, `\t`, `\u{1B}`), so a file name
    /// can never split or forge a log line.
    public static func printable(_ name: String) -> String {
        var out = ""
        for scalar in name.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value):
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private var text: String {
        switch self {
        case .watching(let folders): "watching \(folders.joined(separator: ", "))"
        case .ready: "ready: journal open, start-up scan done"
        case .taken(let file): "\(Self.printable(file)): taken"
        case .resuming(let file, let jobId): "\(Self.printable(file)): resuming unfinished job \(jobId)"
        case .step(let file, let text): "\(Self.printable(file)): \(text)"
        case .done(let file, let result): "\(Self.printable(file)): done, result in \(Self.printable(result))"
        case .failed(let file, let error, let summary): "\(Self.printable(file)): FAILED: \(summary) (see \(Self.printable(error)))"
        case .retryLater(let file, let reason, let delay):
            "\(Self.printable(file)): \(reason); trying again in \(delay.components.seconds) s"
        case .stopping: "stopping: no new files are taken; running jobs stop where they can resume"
        case .problem(let text): "problem: \(text)"
        case .reloaded(let change):
            "config reloaded: "
                + (change.applied.isEmpty ? "no change in force" : "now in force: " + change.applied.joined(separator: ", "))
                + (change.needRestart.isEmpty ? ""
                    : "; changed but needing a restart (systemctl restart hoist): "
                        + change.needRestart.joined(separator: ", "))
        case .reloadFailed(let reason): "config NOT reloaded, the previous one stays in force: \(reason)"
        case let .pruned(count, kept):
            "journal: removed \(count) job\(count == 1 ? "" : "s") that ended more than \(Int(kept / 86_400)) days ago (keep-jobs)"
        case .journalLost(let reason):
            "JOURNAL LOST: \(reason); no new files are taken and the agent stops (exit 1), so that its restart opens a new "
                + "journal and finds the running uploads' parts again in OSS instead of sending them twice"
        }
    }

    /// The line for a job event worth a log line, or nil (progress, parts).
    static func line(for event: JobEvent) -> String? {
        switch event {
        case .waitingForLock: "waiting for the job's lock"
        case .upload(let event):
            switch event {
            case .started(let start):
                start.safeParts > 0
                    ? "upload resumed: \(start.safeParts) of \(start.partCount) parts already safe, not sent again"
                    : "upload started: \(start.partCount) parts"
            case .initiated(let id): "multipart upload \(id) initiated"
            case .adoptedUpload(let id, let kept): "continuing upload \(id) (\(kept) parts already safe)"
            case .networkDown: "network down; waiting for it"
            case .networkBack(let seconds): "network back after \(Int(seconds)) s"
            case .sourceChanged(let reason): "source changed: \(reason)"
            case .verified(let crc): "object verified (CRC-64 \(crc))"
            case .alreadyUploaded: "object already uploaded"
            case let .abortedUpload(id, true, _): "upload \(id) aborted (OSS confirmed)"
            case let .abortedUpload(id, false, reason):
                "upload \(id) NOT aborted yet (\(reason ?? "no answer")): its parts are billed until the next try or `hoist uploads abort`"
            // A part waiting for the network says nothing: the one "network down" line covers every part.
            case .retrying(let notice) where notice.waitsForNetwork: nil
            case .retrying(let notice):
                "retrying \(notice.operation) (retry \(notice.attempt), in \(String(format: "%.1f", notice.delay)) s): \(notice.reason)"
            default: nil
            }
        case .uploaded: nil
        case .import(let event):
            switch event {
            case .submitted(_, let taskId, let imageId): "import submitted (task \(taskId), image \(imageId))"
            case .adopted(_, let imageId, _, let status, let proof): "import found in ECS (image \(imageId), \(status)): \(proof)"
            case .waitingForEarlierImport(let job, let imageId, let object, let status, _):
                "waiting: job \(job)'s import of image \(imageId) (\(status)) still reads \(object); uploading when it ends"
            case .resumed(_, _, let imageId): "following import" + (imageId.map { " of image \($0)" } ?? "")
            case .retrying(let operation, let attempt, _, let reason): "\(operation) retry \(attempt): \(reason)"
            case .warning(let text): "warning: \(text)"
            case .available(_, let imageId): "image \(imageId) available"
            case .failed(_, let reason): "import failed: \(reason)"
            case .cancelled: "import cancelled"
            default: nil
            }
        case .finished: nil
        }
    }
}
