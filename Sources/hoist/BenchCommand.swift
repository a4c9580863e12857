import ArgumentParser
import Foundation
import HoistCore

/// `hoist bench oss://BUCKET/PREFIX`: how fast this host's link to the user's own bucket is, with
/// the same engine, credentials and settings as `hoist upload`. The measuring is
/// `LinkBenchmark`'s; this is flags and printing.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the upload rate from this host to a bucket, leaving nothing behind.",
        discussion: """
        Sends generated, incompressible data as the parts of one multipart upload under \
        PREFIX/hoist-bench-<random>, through the same transport, credentials, endpoint rules, CA \
        file, proxy and bandwidth cap as `hoist upload`, until --size bytes are sent or \
        --duration passes. The upload is never completed, so no object is created, and it is \
        aborted at the end, also on errors and Ctrl-C; if OSS does not confirm the abort, the \
        command to remove the parts is printed. No file is read or written.

        Parts in flight are found by measuring, as with `hoist upload --parallel auto`, unless \
        --parallel N is given. The report gives the rate (decimal MB/s, as `hoist upload` prints \
        it), the parts in flight auto settled on, the CPU time hoist spent per GiB, the retries, \
        and what limited the run: the network, the CPU, the server throttling, or a bandwidth cap.

        Examples:
          hoist bench oss://images/tmp/ --region cn-hangzhou
          hoist bench oss://images/tmp/ --size 1GiB --duration 30s --parallel 16 --json

        \(HoistExit.table)
        """)

    @Argument(help: ArgumentHelp("Where the test upload goes, oss://BUCKET/PREFIX (default: the configured bucket and prefix).",
                                 valueName: "location"))
    var location: String?

    @OptionGroup var oss: OSSOptions

    @Option(help: ArgumentHelp("Stop after sending this much, e.g. 1GiB (at least one part).", valueName: "size"))
    var size: String = "4GiB"

    @Option(help: ArgumentHelp("Stop after this long, e.g. 30s or 2m, if --size is not reached first.",
                               valueName: "duration"))
    var duration: String = "60s"

    @Option(help: ArgumentHelp("Part size, e.g. 64MiB (default: the upload part size).", valueName: "size"))
    var partSize: String?

    @Option(help: ArgumentHelp("Parts in flight, 1-256, or auto (default: auto, as measured by the tuner).",
                               valueName: "n|auto"))
    var parallel: ParallelArgument?

    @OptionGroup var bandwidth: BandwidthOption

    @Flag(help: "Print the report as one JSON document on stdout.")
    var json = false

    func validate() throws {
        guard let bytes = ByteCount.parse(size), bytes > 0 else { throw ValidationError("--size \(size) is not a size like 1GiB") }
        guard let seconds = DurationText.parse(duration), seconds > 0 else {
            throw ValidationError("--duration \(duration) is not a duration like 60s")
        }
        if let partSize, ByteCount.parse(partSize) == nil { throw ValidationError("--part-size \(partSize) is not a size like 64MiB") }
    }

    func run() async throws {
        let runtime: HoistRuntime
        let benchmark: LinkBenchmark
        let request: LinkBenchmark.Request
        do {
            var flags = HoistConfig(partSize: partSize.flatMap(ByteCount.parse))
            (parallel ?? .auto).apply(to: &flags)
            bandwidth.apply(to: &flags)
            let settings: RuntimeSettings
            let ossSettings: HoistSettings
            do {
                settings = try RuntimeSettings.load(oss.runtimeOptions(flags))
                ossSettings = try settings.oss()
            } catch let error as HoistRuntimeError {
                throw error.commandFailure
            }
            let scope = try UploadsCommand.scope(location, settings: ossSettings)
            let seconds = DurationText.parse(duration) ?? 60
            request = LinkBenchmark.Request(bucket: scope.bucket, prefix: scope.prefix, size: ByteCount.parse(size) ?? 0,
                                            duration: seconds, partSize: ossSettings.partSize)
            do {
                _ = try request.partCount()
            } catch {
                throw UsageFailure(error.description)
            }
            do {
                runtime = try HoistRuntime(settings)
                _ = try await runtime.credentials()
                // A benchmark must end: without --give-up-after it stops retrying after its duration.
                let policy = RetryPolicy(giveUpAfter: ossSettings.giveUpAfter ?? max(30, seconds), health: runtime.health)
                benchmark = LinkBenchmark(runtime: runtime, client: try runtime.ossClient(ossSettings), policy: policy)
            } catch {
                throw error.commandFailure
            }
        } catch let failure as UsageFailure {
            throw exitWithMessage(failure.description, code: HoistExit.usage)
        } catch let failure as GeneralFailure {
            throw exitWithMessage(failure.description, code: HoistExit.failure)
        }
        defer { runtime.shutdown() }

        let json = json
        let work = Task { () throws -> BenchReport in
            try await benchmark.run(request) { location, uploadId in
                if !json { StandardError.write("hoist: measuring with upload \(uploadId) at \(location); it is aborted at the end\n") }
            }
        }
        let trap = SignalTrap { _ in work.cancel() }
        defer { withExtendedLifetime(trap) {} }
        switch await work.result {
        case .success(let report):
            StandardOutput.write(json ? BenchOutput.json(report) : BenchOutput.text(report))
            if let failure = report.cleanup.failure {
                StandardError.write(BenchOutput.cleanupFailed(report.cleanup, reason: failure))
                throw ExitCode(HoistExit.failure)
            }
        case .failure(let failure):
            let error = failure as? BenchError ?? .stopped(cause: failure, cleanup: nil)
            if case .stopped(_, let cleanup?) = error {
                if let failure = cleanup.failure {
                    StandardError.write(BenchOutput.cleanupFailed(cleanup, reason: failure))
                } else {
                    StandardError.write("hoist: upload \(cleanup.uploadId) aborted; nothing is left in the bucket\n")
                }
            }
            throw exitWithMessage(error.description, code: Self.exitCode(error))
        }
    }

    static func exitCode(_ error: BenchError) -> Int32 {
        switch error {
        case .size: HoistExit.usage
        case .payload: HoistExit.failure
        case .stopped(let cause as UploadFailure, _): HoistExit.code(for: cause.category)
        case .stopped(let cause, _) where cause is CancellationError: HoistExit.interrupted
        case .stopped: HoistExit.failure
        }
    }
}

extension Error {
    /// As an OSS command's failure, whatever was thrown while setting up.
    fileprivate var commandFailure: any Error {
        (self as? HoistRuntimeError)?.commandFailure ?? self
    }
}
