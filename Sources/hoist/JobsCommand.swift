import ArgumentParser
import Foundation
import HoistCore

/// `hoist jobs prune`: journal retention by hand (the agent prunes by itself, `[agent] keep-jobs`).
struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs",
        abstract: "Look after the journal's jobs.",
        subcommands: [Prune.self])

    struct Prune: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "prune",
            abstract: "Remove jobs that ended (available, failed, cancelled) longer ago than a duration.",
            discussion: """
            Their uploads, parts and import attempts go with them; `hoist status` and `hoist retry` \
            no longer know them. A job with an upload still open, or whose abort OSS never confirmed, \
            is kept: the journal is how its billed parts are found again (hoist uploads abort). \
            The agent does the same by itself, for jobs older than [agent] keep-jobs (default 30d).

            Examples:
              hoist jobs prune --older-than 30d --dry-run
              sudo hoist jobs prune --older-than 90d
            """)

        @Option(name: .customLong("older-than"), help: ArgumentHelp("Ended longer ago than this: 7d, 12h, 90m.", valueName: "duration"))
        var olderThan: String

        @Flag(name: .customLong("dry-run"), help: "Show what would be removed; remove nothing.")
        var dryRun = false

        @Flag(help: "Print one JSON document.")
        var json = false

        @OptionGroup(title: "Where") var journalOptions: JournalOptions

        func run() async throws {
            guard let age = DurationText.parse(olderThan) else {
                throw exitWithMessage("--older-than \(olderThan) is not a duration like 30d", code: HoistExit.usage)
            }
            let runtime = try journalOptions.runtime()
            defer { runtime.shutdown() }
            let cutoff = Date().addingTimeInterval(-age)
            let pruned = try await runtime.journal.pruneJobs(endedBefore: cutoff, dryRun: dryRun)
            let when = ISO8601DateFormatter().string(from: cutoff)
            if json {
                StandardOutput.write(JSONEvent.encode([
                    "dry_run": dryRun, "ended_before": when,
                    "jobs": pruned.map { ["job": $0.id, "state": $0.state.rawValue, "source": $0.sourcePath,
                                          "object": "oss://\($0.bucket)/\($0.key)",
                                          "updated": ISO8601DateFormatter().string(from: $0.updatedAt)] },
                ]) + "\n")
                return
            }
            let verb = dryRun ? "would remove" : "removed"
            StandardOutput.write("\(verb) \(pruned.count) job\(pruned.count == 1 ? "" : "s") that ended before \(when)\n")
            for job in pruned {
                StandardOutput.write("  \(job.id)  \(job.state.rawValue)  oss://\(job.bucket)/\(job.key)  \(job.sourcePath)\n")
            }
        }
    }
}
