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
        object is checked with HeadObject first (unless --skip-object-check).
        Earlier attempts stay in the journal as history.

        Examples:
          hoist retry j-1a2b3c4d --wait
          hoist retry j-1a2b3c4d --wait --timeout 90m --json

        \(ImportExit.helpText)
        """
    )

    @Argument(help: ArgumentHelp("The job id, as `hoist status` lists it.", valueName: "JOB"))
    var job: String

    @OptionGroup(title: "Connection") var connection: ImportConnectionOptions
    @OptionGroup(title: "Progress") var follow: ImportFollowOptions

    func run() async throws {
        let output = ImportOutput(json: follow.json)
        do {
            let journal = try connection.journal()
            guard let record = try await journal.job(id: job) else { throw ImportError.jobNotFound(job) }
            let latest = try await journal.latestImport(jobId: job)
            guard let region = latest?.region ?? connection.resolvedRegion else {
                throw ImportError.usage("the region is unknown: pass --region")
            }
            let credentials = try ImportCredentials.fromEnvironment()
            let transport = try Transport()
            defer { transport.shutdown() }
            let ecs = ECSClient(configuration: .init(regionId: region, endpoint: try connection.ecsEndpoint(region: region)),
                                credentials: credentials, transport: transport)
            var oss: OSSClient?
            if !connection.skipObjectCheck {
                let text = connection.ossEndpoint ?? record.endpoint
                guard let endpoint = OSSEndpoint(text) else {
                    throw ImportError.usage("the OSS endpoint \(text) is not an http(s)://host[:port] URL; pass --oss-endpoint")
                }
                oss = try OSSClient(endpoint: endpoint, credentials: credentials, transport: transport, region: region)
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
