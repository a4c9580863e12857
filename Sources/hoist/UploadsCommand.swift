import ArgumentParser
import Foundation
import HoistCore

/// `hoist uploads list|abort`: find and remove multipart uploads nobody will complete. Their
/// parts are stored, and billed, until they are aborted.
struct UploadsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "uploads",
        abstract: "List or abort unfinished multipart uploads (their parts are billed).",
        subcommands: [List.self, Abort.self])

    /// The bucket and prefix to look under: an `oss://` argument, else --bucket/--prefix, env,
    /// config.
    static func scope(_ location: String?, settings: HoistSettings) throws -> (bucket: String, prefix: String) {
        if let location {
            do {
                let parsed = try ObjectLocation(parsing: location)
                return (parsed.bucket, parsed.key)
            } catch {
                throw UsageFailure(error.description)
            }
        }
        guard let bucket = settings.bucket else {
            throw UsageFailure("no bucket: give oss://BUCKET[/PREFIX], --bucket, HOIST_BUCKET or [oss] bucket")
        }
        return (bucket, settings.prefix)
    }

    /// The runtime, its OSS client and the resolved OSS settings.
    static func open(_ options: OSSOptions) throws -> (HoistRuntime, OSSClient, HoistSettings) {
        do {
            let settings = try RuntimeSettings.load(options.runtimeOptions())
            let oss = try settings.oss()
            let runtime = try HoistRuntime(settings)
            do {
                return (runtime, try runtime.ossClient(oss), oss)
            } catch {
                runtime.shutdown()
                throw error
            }
        } catch let error as HoistRuntimeError {
            throw error.commandFailure
        }
    }

    static func listing(_ client: OSSClient, bucket: String, prefix: String, olderThan: Double?) async throws -> [OSSUploadInfo] {
        let all = try await client.listMultipartUploads(bucket: bucket, prefix: prefix)
        guard let olderThan else { return all }
        let cutoff = Date().addingTimeInterval(-olderThan)
        return all.filter { ($0.initiated ?? .distantFuture) < cutoff }
    }

    static func age(_ date: Date?) -> String {
        guard let date else { return "?" }
        let seconds = max(0, Date().timeIntervalSince(date))
        if seconds >= 86_400 { return "\(Int(seconds / 86_400))d" }
        if seconds >= 3600 { return "\(Int(seconds / 3600))h" }
        if seconds >= 60 { return "\(Int(seconds / 60))m" }
        return "\(Int(seconds))s"
    }

    /// Runs `body`, turning failures into the documented exit codes.
    static func guarded(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let failure as UsageFailure {
            throw exitWithMessage(failure.description, code: HoistExit.usage)
        } catch let failure as GeneralFailure {
            throw exitWithMessage(failure.description, code: HoistExit.failure)
        } catch let error as OSSError {
            let failure = UploadFailure.rejected(error, operation: "the request")
            throw exitWithMessage(failure.description, code: HoistExit.code(for: failure.category))
        } catch let error as TransportError {
            throw exitWithMessage(error.description, code: HoistExit.network)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List unfinished multipart uploads under a bucket or prefix.",
            discussion: HoistExit.table)

        @Argument(help: ArgumentHelp("oss://BUCKET[/PREFIX]", valueName: "location"))
        var location: String?

        @Option(help: ArgumentHelp("Only uploads started longer ago than this, e.g. 7d.", valueName: "duration"))
        var olderThan: String?

        @Flag(help: "Print JSON lines.")
        var json = false

        @OptionGroup var oss: OSSOptions

        func run() async throws {
            try await UploadsCommand.guarded {
                let age = try olderThan.map { text in
                    guard let seconds = DurationText.parse(text) else { throw UsageFailure("--older-than \(text) is not a duration like 7d") }
                    return seconds
                }
                let (runtime, client, settings) = try UploadsCommand.open(oss)
                defer { runtime.shutdown() }
                let scope = try UploadsCommand.scope(location, settings: settings)
                let uploads = try await UploadsCommand.listing(client, bucket: scope.bucket, prefix: scope.prefix,
                                                               olderThan: age)
                for upload in uploads {
                    if json {
                        StandardOutput.write(JSONEvent.encode([
                            "bucket": scope.bucket, "key": upload.key, "upload_id": upload.uploadId,
                            "initiated": upload.initiated.map { ISO8601DateFormatter().string(from: $0) } as Any,
                        ]) + "\n")
                    } else {
                        StandardOutput.write("\(upload.uploadId)  \(UploadsCommand.age(upload.initiated))  oss://\(scope.bucket)/\(upload.key)\n")
                    }
                }
                if !json { StandardError.write("\(uploads.count) unfinished upload(s)\n") }
            }
        }
    }

    struct Abort: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Abort one unfinished upload by id, or every one older than a duration.",
            discussion: """
            Aborting deletes the upload's parts. A `hoist upload` of that file later starts again \
            from the first part, so abort only uploads nobody is resuming.

            Only uploads this host's journal started are aborted, unless --all is given, and never \
            one whose job is running now (its lock is held). Uploads a run meant to abort but \
            OSS did not confirm are retried by every `hoist uploads abort` in their bucket.

            \(HoistExit.table)
            """)

        @Argument(help: ArgumentHelp("The upload id to abort.", valueName: "upload-id"))
        var uploadId: String?

        @Option(help: ArgumentHelp("Abort every upload started longer ago than this, e.g. 7d.", valueName: "duration"))
        var olderThan: String?

        @Option(help: ArgumentHelp("oss://BUCKET[/PREFIX] to look under.", valueName: "location"))
        var location: String?

        @Flag(help: "Also abort uploads this host's journal did not start (other hosts', other tools').")
        var all = false

        @OptionGroup var oss: OSSOptions

        func validate() throws {
            guard (uploadId == nil) != (olderThan == nil) else {
                throw ValidationError("give either an upload id or --older-than")
            }
            if let olderThan, DurationText.parse(olderThan) == nil {
                throw ValidationError("--older-than \(olderThan) is not a duration like 7d")
            }
        }

        func run() async throws {
            try await UploadsCommand.guarded {
                let (runtime, client, settings) = try UploadsCommand.open(oss)
                defer { runtime.shutdown() }
                let scope = try UploadsCommand.scope(location, settings: settings)
                let sweep = OrphanSweep(client: client, journal: runtime.journal, locks: runtime.settings.lockDirectory)
                let listed = try await UploadsCommand.listing(client, bucket: scope.bucket, prefix: scope.prefix,
                                                              olderThan: nil)
                let targets: [OSSUploadInfo]
                if let uploadId {
                    targets = listed.filter { $0.uploadId == uploadId }
                    guard !targets.isEmpty else {
                        throw GeneralFailure("no unfinished upload \(uploadId) under oss://\(scope.bucket)/\(scope.prefix)")
                    }
                } else {
                    let cutoff = Date().addingTimeInterval(-(olderThan.flatMap(DurationText.parse) ?? 0))
                    targets = try await sweep.targets(listed) { ($0.initiated ?? .distantFuture) < cutoff }
                }
                let entries = try await sweep.abort(targets, bucket: scope.bucket, includeForeign: all)
                try UploadsCommand.report(entries, bucket: scope.bucket, named: uploadId != nil)
            }
        }
    }

    /// Prints one line per upload and fails (exit 1) when an abort was not confirmed or a named
    /// upload was skipped, so scripts notice parts that are still billed.
    static func report(_ entries: [OrphanSweep.Entry], bucket: String, named: Bool) throws {
        var aborted = 0, skipped = 0, unconfirmed = 0
        for entry in entries {
            let name = "\(entry.upload.uploadId)  oss://\(bucket)/\(entry.upload.key)"
            switch entry.disposition {
            case .aborted, .alreadyGone:
                aborted += 1
                StandardOutput.write("aborted \(name)\n")
            case .notConfirmed(let reason):
                unconfirmed += 1
                StandardError.write("hoist: not aborted \(name): \(reason); run the command again\n")
            case .notOurs:
                skipped += 1
                StandardError.write("skipped \(name): not started by this host's journal (--all aborts it too)\n")
            case let .running(jobId, holder):
                skipped += 1
                let who = holder.map { " by hoist process \($0.pid)" } ?? ""
                StandardError.write("skipped \(name): its job \(jobId) is running\(who)\n")
            }
        }
        StandardError.write("\(aborted) upload(s) aborted\(skipped > 0 ? ", \(skipped) skipped" : "")\n")
        if unconfirmed > 0 {
            throw GeneralFailure("\(unconfirmed) abort(s) were not confirmed by OSS; their parts are still billed")
        }
        if named, skipped > 0 {
            throw GeneralFailure("upload \(entries[0].upload.uploadId) was not aborted")
        }
    }
}
