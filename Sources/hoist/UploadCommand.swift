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
        a destination ending in '/' is a prefix for the file name. A key (or prefix) may be a \
        template, expanded once when the job starts and kept by every rerun: {stem} {name} {ext} \
        {date} {time} {job}, e.g. oss://images/builds/{date}/ or oss://images/{stem}-{job}.raw. \
        An upload never overwrites an object that an earlier import of this host is still \
        reading: it waits, saying so, until that import ends.

        Credentials come from the SDKs' chain: ALIBABA_CLOUD_ACCESS_KEY_ID, \
        ALIBABA_CLOUD_ACCESS_KEY_SECRET and (for STS) ALIBABA_CLOUD_SECURITY_TOKEN, systemd \
        credentials, an OIDC role, the aliyun CLI profile, ~/.alibabacloud/credentials, the ECS \
        instance RAM role, or ALIBABA_CLOUD_CREDENTIALS_URI (see the README).

        With --import the object is then imported as an ECS custom image, in the same job. Every \
        import parameter (config [import] < --manifest < flags) and the image file itself (format, \
        virtual size, ISO, backing files) are checked before the first byte is sent, so a mistake \
        costs nothing. Running the same command again after a crash resumes whichever phase was \
        interrupted, the upload or the import, and never starts a second import. With --wait it \
        follows the import until the image is Available. An image already holding the name is \
        taken as this job's only when it provably came from these bytes (the hoist:job and \
        hoist:crc64 tags every import carries); a rebuild under yesterday's name is refused before \
        a byte is sent, so give each build its own: --image-name 'web-{date}-{time}' or 'web-{crc}'.

        Examples:
          hoist upload disk.qcow2 oss://images/builds/ --region cn-hangzhou
          hoist upload disk.qcow2 oss://images/builds/disk.qcow2 --import \\
              --image-name web-2024-06 --platform Ubuntu --arch x86_64 --wait
          hoist upload disk.raw --bucket images --import --manifest disk.raw.toml \\
              --wait --timeout 2h --json
          hoist upload web.raw 'oss://images/builds/{date}/' --import \\
              --image-name 'web-{date}-{time}' --platform Ubuntu --wait

        \(HoistExit.table)

        \(UploadImportExit.table)
        """)

    @Argument(help: ArgumentHelp("The image file.", valueName: "file"))
    var file: String

    @Argument(help: ArgumentHelp("Destination, oss://BUCKET/KEY or oss://BUCKET/PREFIX/.", valueName: "destination"))
    var destination: String?

    @OptionGroup var oss: OSSOptions

    @Option(help: ArgumentHelp("Part size, e.g. 64MiB (raised if the file would need more than 10,000 parts).",
                               valueName: "size"))
    var partSize: String?

    @Option(help: ArgumentHelp(
        "Parts in flight at once, 1-256, or auto: start at 4 and find the number that fills the link by "
            + "measuring, up to \(HoistSettings.autoParallelMaximum) (default: auto).",
        valueName: "n|auto"))
    var parallel: ParallelArgument?

    @Option(help: ArgumentHelp("Stop retrying after this long without success, e.g. 30m (default: keep waiting).",
                               valueName: "duration"))
    var giveUpAfter: String?

    @Flag(help: "Print progress events and a summary as JSON lines on stdout.")
    var json = false

    @Option(help: ArgumentHelp("Seconds between progress lines when not on a terminal.", valueName: "seconds"))
    var progressInterval: Double = 5

    @Flag(help: "If another hoist is running this job, wait for it to finish instead of exiting with code 8.")
    var waitForLock = false

    @Flag(help: "Before resuming, re-read the parts already sent and send again any whose CRC-64 differs from the file.")
    var verifyLocal = false

    @Option(help: .hidden)
    var minPartSize: String?

    @OptionGroup var bandwidth: BandwidthOption

    @OptionGroup var importOptions: UploadImportOptions

    func validate() throws {
        if let partSize, ByteCount.parse(partSize) == nil { throw ValidationError("--part-size \(partSize) is not a size like 64MiB") }
        if let giveUpAfter, DurationText.parse(giveUpAfter) == nil {
            throw ValidationError("--give-up-after \(giveUpAfter) is not a duration like 30m")
        }
        if let minPartSize, ByteCount.parse(minPartSize) == nil { throw ValidationError("bad --min-part-size") }
    }

    func run() async throws {
        let mode: UploadReporter.Mode = json ? .json : (Terminal.isTerminal(2) ? .bar : .plain)
        let reporter = UploadReporter(mode: mode, plainInterval: progressInterval)
        let importOutput = ImportOutput(json: json, code: UploadImportExit.code)
        let runtime: HoistRuntime
        let job: UploadJob
        do {
            var flags = HoistConfig(partSize: partSize.flatMap(ByteCount.parse),
                                    giveUpAfter: giveUpAfter.flatMap(DurationText.parse))
            parallel?.apply(to: &flags)
            bandwidth.apply(to: &flags)
            let options = try oss.runtimeOptions(flags, ecsEndpoint: importOptions.ecs.ecsEndpoint)
            let settings: RuntimeSettings
            let ossSettings: HoistSettings
            do {
                settings = try RuntimeSettings.load(options)
                ossSettings = try settings.oss()
            } catch {
                throw error.commandFailure
            }
            let location = try destination.map { text throws -> ObjectLocation in
                do { return try ObjectLocation(parsing: text) } catch { throw UsageFailure(String(describing: error)) }
            }
            let path = Self.absolutePath(file)
            var limits = PartPlan.Limits.oss
            if let minimum = minPartSize.flatMap(ByteCount.parse) { limits.minimumPartSize = minimum }
            let request: UploadRequest
            do {
                request = UploadRequest(sourcePath: path, location: try ossSettings.destination(forFile: path, given: location),
                                        partSize: ossSettings.partSize, parallel: ossSettings.parallel, limits: limits,
                                        endpoint: ossSettings.endpoint.url(bucket: nil, key: nil), verifyLocal: verifyLocal)
            } catch {
                throw UsageFailure(String(describing: error))
            }
            let importImage = try importOptions.importImage
                ? importOptions.prepare(file: path, location: request.location, settings: settings, oss: ossSettings,
                                        output: importOutput)
                : nil
            do {
                runtime = try HoistRuntime(settings)
                _ = try await runtime.credentials()
            } catch {
                throw error.commandFailure
            }
            job = UploadJob(upload: request, importImage: importImage,
                            options: JobRunOptions(waitForLock: waitForLock, followImport: importOptions.follow.wait,
                                                   importSettings: importOptions.follow.settings(),
                                                   giveUpAfter: ossSettings.giveUpAfter))
        } catch let failure as UsageFailure {
            reporter.fail(failure.description, category: "usage", exitCode: HoistExit.usage)
            throw ExitCode(HoistExit.usage)
        } catch let failure as GeneralFailure {
            reporter.fail(failure.description, category: "other", exitCode: HoistExit.failure)
            throw ExitCode(HoistExit.failure)
        }
        defer { runtime.shutdown() }

        let runner = JobRunner(runtime: runtime)
        let work = Task { try await runner.run(job) { event in
            switch event {
            case .waitingForLock(_, let holder):
                StandardError.write("hoist: waiting for "
                    + (holder.map { "hoist process \($0.pid) (running this job since \($0.sinceText))" } ?? "another hoist process")
                    + " to finish\n")
            case .upload(let event): reporter.handle(event)
            case .uploaded(let summary): reporter.finish(summary)
            case .import(let event): importOutput.emit(event)
            case .finished: break
            }
        } }
        let trap = SignalTrap { _ in work.cancel() }
        let result = await work.result
        switch result {
        case .success(let outcome):
            if let imported = outcome.imported {
                let exit = importOutput.finish(imported, jobId: outcome.jobId)
                if exit.rawValue != 0 { throw exit }
            }
        case .failure(let failure as JobLockError):
            let code: Int32
            switch failure {
            case .held: code = HoistExit.locked
            case .cancelled: code = HoistExit.interrupted
            case .unusable, .directory, .stateDirectory: code = HoistExit.failure
            }
            reporter.fail(failure.description, category: code == HoistExit.locked ? "locked" : "other", exitCode: code)
            throw ExitCode(code)
        case .failure(let failure as UploadFailure):
            let code = HoistExit.code(for: failure.category)
            reporter.fail(failure.description, category: failure.category.rawValue, exitCode: code)
            throw ExitCode(code)
        case .failure(let error) where trap.signalReceived != nil || error is CancellationError:
            reporter.fail("stopped while importing; the import goes on in ECS, run the same command again to follow it",
                          category: UploadFailure.Category.interrupted.rawValue, exitCode: HoistExit.interrupted)
            throw ExitCode(HoistExit.interrupted)
        case .failure(let error):
            throw importOutput.fail(error)
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
