import ArgumentParser
import Foundation
import HoistAgent
import HoistCore

/// `hoist status`: the agent's live state (from its status file), then every job in the
/// journal, read-only (WAL lets it run beside a busy agent).
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the agent's live state and the journal's jobs: state, bytes, speed of the last run.",
        discussion: """
        Lists the jobs still running or waiting, and those that ended in the last \(Self.recentDays) days \
        (--all lists every job). A job left uploading by a process that is gone (killed, the host \
        rebooted) shows as interrupted: run the same command to resume it. For the agent's jobs it \
        shows where the image was filed (done/…, failed/…).
        """)

    @Flag(help: "Print one JSON document.")
    var json = false

    @Flag(help: "List every job in the journal, however old.")
    var all = false

    /// Ended jobs older than this are left out without --all.
    static let recentDays = 7

    @OptionGroup(title: "Where") var journalOptions: JournalOptions

    func run() async throws {
        let runtime = try journalOptions.runtime()
        defer { runtime.shutdown() }
        let journal = runtime.journal
        let agent = AgentPresence.look(in: runtime.stateDirectory)
        var rows: [[String: Any]] = []
        var lines: [String] = []
        let ended: Set<JobState> = [.available, .failed, .cancelled]
        let cutoff = Date().addingTimeInterval(-Double(Self.recentDays) * 86_400)
        let every = try await journal.jobs()
        let shown = all ? every : every.filter { !ended.contains($0.state) || $0.updatedAt >= cutoff }
        for job in shown {
            var done = job.state == .uploaded || job.state == .importing || job.state == .available ? job.bytesTotal : 0
            // Parts already safe, of the open upload or (for a job that stopped) of its last one.
            var last = try await journal.openUpload(jobId: job.id)
            if last == nil { last = try await journal.uploads(jobId: job.id).last }
            if done == 0, let last {
                done = try await journal.completedParts(uploadId: last.uploadId).reduce(0) { $0 + $1.size }
            }
            let lockFile = runtime.settings.lockDirectory.path + "/" + JobLockKey(job: job).fileName
            let runner = HostLock.holderPid(of: lockFile)
            let interrupted = runner == nil && [.pending, .uploading, .verifying].contains(job.state)
            let state = interrupted ? "interrupted" : job.state.rawValue
            let seconds = Double(job.lastRun.durationMilliseconds ?? 0) / 1000
            let speed = seconds > 0 ? Double(job.lastRun.bytesSent) / seconds : 0
            let image = try await journal.latestImport(jobId: job.id)
            let waitingFor = try await Self.earlierImport(readingObjectOf: job, journal: journal)
            rows.append([
                "job": job.id, "state": state, "source": job.sourcePath,
                "bucket": job.bucket, "key": job.key, "key_template": job.keyTemplate as Any,
                "bytes_total": job.bytesTotal, "bytes_done": done,
                "last_run_bytes_sent": job.lastRun.bytesSent, "last_run_bytes_resent": job.lastRun.bytesResent,
                "last_run_seconds": seconds, "last_run_bytes_per_second": speed.rounded(),
                "crc64": job.objectCRC64.map(String.init) as Any, "error": job.error as Any,
                "image_id": image?.imageId as Any, "image_name": image?.imageName as Any,
                "import_state": image?.state as Any, "provenance": image?.provenance as Any,
                "waiting_for_import_of": waitingFor?.jobId as Any,
                "journal_state": job.state.rawValue, "running_pid": runner.map(Int.init) as Any,
                "filed": job.filedPath as Any,
                "updated": ISO8601DateFormatter().string(from: job.updatedAt),
            ])
            var line = "\(job.id)  \(state.padding(toLength: 11, withPad: " ", startingAt: 0))  "
                + "\(ByteCount.approximate(done))/\(ByteCount.approximate(job.bytesTotal))  "
                + "\(speed > 0 ? ProgressBar.rate(speed) : "-")  oss://\(job.bucket)/\(job.key)  \(job.sourcePath)"
            if let image, !image.imageName.isEmpty {
                line += "\n    image \(image.imageId ?? "(none yet)") \(image.imageName) (\(image.state))"
                    + (image.provenance.map { ": \($0)" } ?? "")
            }
            if let waitingFor {
                line += "\n    waiting: job \(waitingFor.jobId)'s import\(waitingFor.imageId.map { " of image \($0)" } ?? "") "
                    + "(\(waitingFor.state)) still reads this object; the upload starts when it ends"
            }
            if let error = job.error, job.state == .failed { line += "\n    \(error.split(separator: "\n").first ?? "")" }
            if interrupted {
                line += "\n    interrupted: no process runs it (killed, or the host restarted); run the same command, "
                    + "or restart the agent, to resume it"
            }
            if let filed = job.filedPath { line += "\n    filed: \(filed)" }
            lines.append(line)
        }
        if json {
            StandardOutput.write(JSONEvent.encode(["agent": Self.json(agent), "jobs": rows]) + "\n")
            return
        }
        StandardOutput.write(agent.summary + "\n")
        StandardOutput.write(lines.isEmpty ? "no jobs in the journal\n" : lines.joined(separator: "\n") + "\n")
        if shown.count < every.count {
            StandardOutput.write("(\(every.count - shown.count) jobs that ended more than \(Self.recentDays) days ago not shown: --all)\n")
        }
    }

    /// For a job not yet past its upload: an earlier job's import of the same object that has
    /// not ended, which the upload waits for (`EarlierImportGate`).
    static func earlierImport(readingObjectOf job: JobRecord, journal: UploadJournal) async throws -> ImportRecord? {
        guard job.state == .pending || job.state == .uploading else { return nil }
        for earlier in try await journal.jobs(bucket: job.bucket, key: job.key, excluding: job.id) {
            if let attempt = try await journal.latestImport(jobId: earlier.id), !attempt.attemptState.isFinal { return attempt }
        }
        return nil
    }

    /// The agent's part of `--json`: its state, and its status file as written when there is one.
    static func json(_ agent: AgentPresence) -> [String: Any] {
        var entry: [String: Any] = ["state": agent.state]
        if let file = agent.file, let data = try? file.json(),
           let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            entry["status"] = object
        }
        return entry
    }
}
