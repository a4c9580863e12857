import ArgumentParser
import Foundation
import HoistCore

/// `hoist retry JOB`: imports a failed or cancelled job again, with a new ClientToken.
struct RetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Import a failed or cancelled job again, with a new ClientToken.",
        discussion: """
        Reruns of `hoist import` never import twice: they reuse the job's
        ClientToken. This is the one command that starts a second import for a
        job, with the parameters of its last attempt and a fresh token. The
        object is checked first: it must still have the CRC-64 the job verified
        (unless --skip-object-check). While the last attempt's import task still
        runs in ECS, retry refuses: `hoist cancel JOB` it first, or wait.
        Earlier attempts stay in the journal as history.

        Examples:
          hoist retry j-1a2b3c4d --wait
          hoist retry j-1a2b3c4d --wait --timeout 90m --json

        \(ImportExit.helpText)
        """
    )

    @Argument(help: ArgumentHelp("The job id, as `hoist status` lists it.", valueName: "JOB"))
    var job: String

    @OptionGroup(title: "Where") var journalOptions: JournalOptions

    @Option(name: [.customLong("endpoint"), .customLong("oss-endpoint")], help: ArgumentHelp(
        "OSS endpoint for the object check (default: the one the job was uploaded through).", valueName: "url"))
    var ossEndpoint: String?

    @OptionGroup var ecs: ECSEndpointOption

    @Flag(name: .customLong("skip-object-check"), help: "Do not check with HeadObject that the object still exists.")
    var skipObjectCheck = false

    @OptionGroup(title: "Progress") var follow: ImportWaitOptions

    @Flag(help: "Print JSON lines (one object per event) instead of text.")
    var json = false

    func run() async throws {
        let output = ImportOutput(json: json)
        do {
            let runtime = try HoistRuntime(journalOptions.runtimeOptions(endpoint: ossEndpoint, ecsEndpoint: ecs.ecsEndpoint))
            defer { runtime.shutdown() }
            let journal = runtime.journal
            guard let record = try await journal.job(id: job) else { throw ImportError.jobNotFound(job) }
            guard let region = try await journal.latestImport(jobId: job)?.region else {
                throw ImportError.wrongState(jobId: job, state: record.state,
                                             hint: "it stopped before its import; run the upload again to resume it")
            }
            _ = try await runtime.credentials()
            let ecs = try runtime.ecsClient(region: region)
            var oss: OSSClient?
            if !skipObjectCheck {
                oss = try runtime.ossClient(runtime.settings.oss(region: region, fallbackEndpoint: record.endpoint))
            }
            let tracker = ImportTracker(journal: journal, ecs: ecs, oss: oss, settings: follow.settings(),
                                        onEvent: { output.emit($0) })
            let outcome = try await tracker.retry(jobId: job, wait: follow.wait)
            throw output.finish(outcome, jobId: job)
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw output.fail(error)
        }
    }
}
