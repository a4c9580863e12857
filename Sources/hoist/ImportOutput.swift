import ArgumentParser
import Foundation
import HoistCore
#if canImport(Glibc)
import Glibc
#endif

/// Exit codes of `hoist import`, `hoist retry` and `hoist cancel`, as documented in their help.
enum ImportExit: Int32 {
    /// The image is Available (or, without --wait, the import was started; for cancel: cancelled).
    case success = 0
    /// Anything unexpected: the journal, a bug.
    case failure = 1
    /// A parameter, the manifest or the image is invalid; nothing was sent.
    case invalid = 2
    /// ECS ran the import and it failed; the job is failed (`hoist retry JOB` tries again).
    case importFailed = 3
    /// The import was cancelled.
    case cancelled = 4
    /// --timeout expired; the import goes on in ECS and a rerun keeps following it.
    case timedOut = 5
    /// ECS or OSS refused: credentials, permissions, the RAM role, a missing object.
    case refused = 6
    /// ECS stayed unreachable or kept failing with retryable errors; a rerun continues.
    case unreachable = 7
    /// The object's CRC-64 is not the verified one; nothing is imported.
    case integrity = 8

    init(_ error: ImportError) {
        switch error {
        case .invalidParameters, .invalidSetting, .imageRefused, .formatMismatch, .usage, .imageNameTaken: self = .invalid
        case .objectUnavailable, .refused: self = .refused
        case .unreachable: self = .unreachable
        case .objectMismatch: self = .integrity
        case .timedOut: self = .timedOut
        case .jobNotFound, .wrongState: self = .failure
        }
    }

    static let helpText = """
        Exit codes:
          0  done: the image is Available (without --wait: the import was started)
          1  unexpected error (journal, wrong job state)
          2  invalid parameters, manifest or image, or the image name is held by an
             image imported from another object; nothing was imported
          3  the import ran and failed; `hoist retry JOB` imports again
          4  the import was cancelled
          5  --timeout expired; the import goes on, rerun to keep following it
          6  refused: credentials, permissions, RAM role, or the object is missing
          7  ECS unreachable or failing; rerun to continue
          8  the object's CRC-64 is not the verified one (overwritten, failed
             upload); nothing was imported
        """
}

/// Writes events and the result. Text goes to stderr as it happens and the final result to
/// stdout, so `IMAGE=$(hoist import … --wait)`-style scripts get one line; `--json` writes
/// everything to stdout as JSON lines.
final class ImportOutput: @unchecked Sendable {
    private let lock = NSLock()
    private var formatter: ImportEventFormatter
    private let json: Bool
    /// The process exit code for each outcome: `hoist upload --import` has its own numbers,
    /// because the upload's codes already use 3–7.
    private let code: @Sendable (ImportExit) -> Int32

    init(json: Bool, code: @escaping @Sendable (ImportExit) -> Int32 = { $0.rawValue }) {
        self.json = json
        self.code = code
        formatter = ImportEventFormatter(style: json ? .json : (isatty(2) != 0 ? .terminal : .plain))
    }

    func emit(_ event: ImportEvent) {
        switch event {
        case .available, .failed, .cancelled: if !json { return } // reported by `finish`
        default: break
        }
        lock.withLock {
            if let text = formatter.render(event) { write(text, toStandardOutput: json) }
        }
    }

    /// Reports the outcome and returns the exit code for it. For `hoist cancel` a cancelled
    /// job is the success and an image that became Available anyway is not.
    func finish(_ outcome: ImportOutcome, jobId: String, cancelling: Bool = false) -> ExitCode {
        let (line, exit): (String, ImportExit)
        switch outcome {
        case .running(let r):
            line = "job \(jobId): importing image \(r.imageId ?? "?") (task \(r.taskId ?? "?")); "
                + "rerun the same command with --wait to follow it"
            exit = .success
        case .available(let r):
            line = "job \(jobId): image \(r.imageId ?? "?") (\(r.imageName)) is Available"
                + (cancelling ? "; the import had finished, so there was nothing to cancel" : "")
                + (r.provenance.map { "\n  provenance: \($0)" } ?? "")
            exit = cancelling ? .failure : .success
        case .failed(_, let reason):
            line = "job \(jobId): import failed: \(reason)"
            exit = .importFailed
        case .cancelled:
            line = "job \(jobId): import cancelled"
            exit = cancelling ? .success : .cancelled
        }
        lock.withLock {
            if let end = formatter.finish() { write(end, toStandardOutput: false) }
            if json {
                var fields: [String: Any] = ["event": "result", "job": jobId, "exitCode": Int(code(exit)), "message": line]
                if let r = outcome.record {
                    fields["state"] = r.state
                    fields["clientToken"] = r.clientToken
                    if let id = r.imageId { fields["imageId"] = id }
                    if let id = r.taskId { fields["taskId"] = id }
                    fields["imageName"] = r.imageName
                    if let proof = r.provenance { fields["provenance"] = proof }
                }
                write(Self.jsonLine(fields), toStandardOutput: true)
            } else {
                write(line + "\n", toStandardOutput: true)
            }
        }
        return ExitCode(code(exit))
    }

    /// Reports an error and returns its exit code.
    func fail(_ error: any Error) -> ExitCode {
        let exit: ImportExit
        let message: String
        switch error {
        case let e as ImportError:
            exit = ImportExit(e)
            message = e.description
        case let e as HoistRuntimeError:
            exit = e.isUsage ? .invalid : .failure
            message = e.description
        case let e as StateDirectoryError:
            exit = .failure
            message = e.description
        case let e as JournalError:
            exit = .failure
            message = e.description
        default:
            exit = .failure
            message = String(describing: error)
        }
        lock.withLock {
            if let end = formatter.finish() { write(end, toStandardOutput: false) }
            if json {
                write(Self.jsonLine(["event": "error", "message": message, "exitCode": Int(code(exit))]), toStandardOutput: true)
            }
            write("error: \(message)\n", toStandardOutput: false)
        }
        return ExitCode(code(exit))
    }

    private func write(_ text: String, toStandardOutput: Bool) {
        let handle = toStandardOutput ? FileHandle.standardOutput : FileHandle.standardError
        handle.write(Data(text.utf8))
    }

    private static func jsonLine(_ fields: [String: Any]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
