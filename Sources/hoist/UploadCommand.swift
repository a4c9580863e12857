import ArgumentParser
import Foundation
import HoistCore

/// `hoist upload FILE [oss://BUCKET/KEY]`: one resumable, verified multipart upload.
struct UploadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upload",
        abstract: "Upload a disk image to OSS by parallel, resumable multipart upload.",
        discussion: """
        The file is sent in parts, several at a time. Every part OSS acknowledges with a matching \
        CRC-64 is recorded in the journal, so if the upload is interrupted (Ctrl-C, a crash, a \
        reboot, a lost network) running the same command again resumes it and sends only the \
        missing parts. At the end the object's CRC-64 is checked against the parts'.

        Without a destination the key is the file name under the configured prefix and bucket; \
        a destination ending in '/' is a prefix for the file name.

        Credentials come from ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET and \
        (for STS) ALIBABA_CLOUD_SECURITY_TOKEN, or from systemd credentials.

        \(HoistExit.table)
        """)

    @Argument(help: ArgumentHelp("The image file.", valueName: "file"))
    var file: String

    @Argument(help: ArgumentHelp("Destination, oss://BUCKET/KEY or oss://BUCKET/PREFIX/.", valueName: "destination"))
    var destination: String?

    @OptionGroup var oss: OSSOptions

    @Option(help: ArgumentHelp("Part size, e.g. 64MiB (raised if the file would need more than 10,000 parts).",
                               valueName: "size"))
    var partSize: String?

    @Option(help: ArgumentHelp("Parts in flight at once (default 8).", valueName: "n"))
    var parallel: Int?

    @Option(help: ArgumentHelp("Stop retrying after this long without success, e.g. 30m (default: keep waiting).",
                               valueName: "duration"))
    var giveUpAfter: String?

    @Flag(help: "Print progress events and a summary as JSON lines on stdout.")
    var json = false

    @Option(help: ArgumentHelp("Seconds between progress lines when not on a terminal.", valueName: "seconds"))
    var progressInterval: Double = 5

    @Option(help: .hidden)
    var minPartSize: String?

    func validate() throws {
        if let parallel, !(1...256).contains(parallel) { throw ValidationError("--parallel must be 1-256") }
        if let partSize, ByteCount.parse(partSize) == nil { throw ValidationError("--part-size \(partSize) is not a size like 64MiB") }
        if let giveUpAfter, DurationText.parse(giveUpAfter) == nil {
            throw ValidationError("--give-up-after \(giveUpAfter) is not a duration like 30m")
        }
        if let minPartSize, ByteCount.parse(minPartSize) == nil { throw ValidationError("bad --min-part-size") }
    }

    func run() async throws {
        let mode: UploadReporter.Mode = json ? .json : (Terminal.isTerminal(2) ? .bar : .plain)
        let reporter = UploadReporter(mode: mode, plainInterval: progressInterval)
        let request: UploadRequest
        let session: OSSSession
        let journal: UploadJournal
        let settings: HoistSettings
        do {
            settings = try oss.settings(.init(partSize: partSize.flatMap(ByteCount.parse), parallel: parallel,
                                              giveUpAfter: giveUpAfter.flatMap(DurationText.parse)))
            let location = try destination.map { text throws -> ObjectLocation in
                do { return try ObjectLocation(parsing: text) } catch { throw UsageFailure(String(describing: error)) }
            }
            let path = Self.absolutePath(file)
            var limits = PartPlan.Limits.oss
            if let minimum = minPartSize.flatMap(ByteCount.parse) { limits.minimumPartSize = minimum }
            do {
                request = UploadRequest(sourcePath: path, location: try settings.destination(forFile: path, given: location),
                                        partSize: settings.partSize, parallel: settings.parallel, limits: limits,
                                        endpoint: settings.endpoint.url(bucket: nil, key: nil))
            } catch {
                throw UsageFailure(String(describing: error))
            }
            session = try OSSSession(settings: settings)
            journal = try settings.openJournal()
        } catch let failure as UsageFailure {
            reporter.fail(failure.description, category: "usage", exitCode: HoistExit.usage)
            throw ExitCode(HoistExit.usage)
        } catch let failure as GeneralFailure {
            reporter.fail(failure.description, category: "other", exitCode: HoistExit.failure)
            throw ExitCode(HoistExit.failure)
        }
        defer { session.shutdown() }

        let policy = RetryPolicy(giveUpAfter: settings.giveUpAfter)
        let engine = ResumableUpload(client: session.client, journal: journal, policy: policy,
                                     onEvent: { reporter.handle($0) })
        let work = Task { try await engine.run(request) }
        let trap = SignalTrap { _ in work.cancel() }
        let result = await work.result
        _ = trap.signalReceived
        switch result {
        case .success(let summary):
            reporter.finish(summary)
        case .failure(let error):
            let failure = error as? UploadFailure ?? .local(String(describing: error))
            let code = HoistExit.code(for: failure.category)
            reporter.fail(failure.description, category: failure.category.rawValue, exitCode: code)
            throw ExitCode(code)
        }
    }

    /// The absolute, symlink-resolved path, so a resumed run finds the job however the file was
    /// named (relative path, another working directory, a link).
    static func absolutePath(_ path: String) -> String {
        if let resolved = realpath(path, nil) {
            defer { free(resolved) }
            return String(cString: resolved)
        }
        if path.hasPrefix("/") { return path }
        return FileManager.default.currentDirectoryPath + "/" + path
    }
}
