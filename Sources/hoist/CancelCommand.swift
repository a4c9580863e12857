import ArgumentParser
import Foundation
import HoistCore

/// `hoist cancel JOB`: stops a job; for an import, cancels the ECS import task.
struct CancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel a job: its ECS import task (CancelTask), or a job that has not started importing.",
        discussion: """
        For a job that is importing, Hoist calls CancelTask on its import task and
        marks the job cancelled in the journal; a `hoist import --wait` following
        it stops. If the task had already finished, the job takes the state it
        finished in and nothing is cancelled. `hoist retry JOB` imports a
        cancelled job again, with a new ClientToken.

        Examples:
          hoist cancel j-1a2b3c4d
          hoist cancel j-1a2b3c4d --json --ecs-endpoint http://127.0.0.1:9000

        The region and the task come from the journal; credentials (from the
        environment or systemd credentials) are read only if ECS is called.

        Exit codes:
          0  cancelled
          1  nothing to cancel (the image is Available, unknown job)
          3  the import had already failed
          6  refused (credentials, permissions)
          7  ECS unreachable
        """
    )

    @Argument(help: ArgumentHelp("The job id, as `hoist status` lists it.", valueName: "JOB"))
    var job: String

    @OptionGroup(title: "Where") var journalOptions: JournalOptions
    @OptionGroup var ecs: ECSEndpointOption

    @Flag(help: "Print JSON lines instead of text.")
    var json = false

    func run() async throws {
        let output = ImportOutput(json: json)
        do {
            let runtime = try HoistRuntime(journalOptions.runtimeOptions(ecsEndpoint: ecs.ecsEndpoint))
            defer { runtime.shutdown() }
            let journal = runtime.journal
            guard try await journal.job(id: job) != nil else { throw ImportError.jobNotFound(job) }
            // A job that never reached ECS has no region and needs none: nothing is sent for it.
            let region = try await journal.latestImport(jobId: job)?.region ?? runtime.settings.defaultRegion ?? "cn-hangzhou"
            // Credentials are read only if ECS is actually called: cancelling a job that never
            // reached ECS needs none.
            let ecs = try runtime.ecsClient(region: region)
            let tracker = ImportTracker(journal: journal, ecs: ecs, onEvent: { output.emit($0) })
            let outcome = try await tracker.cancel(jobId: job)
            throw output.finish(outcome, jobId: job, cancelling: true)
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw output.fail(error)
        }
    }
}
