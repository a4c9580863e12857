import ArgumentParser
import Foundation
import HoistCore

/// The flags `hoist upload --import` adds: the image parameters, the ECS endpoint and how to
/// follow the import. `--json` is the upload's own and covers both phases.
struct UploadImportOptions: ParsableArguments {
    @Flag(name: .customLong("import"), help: "After the upload is verified, import the object as an ECS image (named by --image-name or a manifest, else after the file).")
    var importImage = false

    @OptionGroup(title: "Import (with --import)") var image: ImportParameterOptions
    @OptionGroup var ecs: ECSEndpointOption
    @OptionGroup(title: "Following the import (with --import)") var follow: ImportWaitOptions

    /// Import flags given without `--import` are a mistake worth saying so, not ignoring.
    func validate() throws {
        guard !importImage else { return }
        let given = image.parameters() != ImportParameters() || image.manifest != nil || ecs.ecsEndpoint != nil
            || follow.wait || follow.timeout != nil
        if given { throw ValidationError("import options (--image-name, --manifest, --wait, …) need --import") }
    }
}

/// Exit codes of `hoist upload --import`: the upload's table, plus these for the import phase
/// (the upload already uses 3–7, so the import's own numbers would be ambiguous here).
enum UploadImportExit {
    static func code(_ exit: ImportExit) -> Int32 {
        switch exit {
        case .success: 0
        case .failure: HoistExit.failure
        case .invalid: 2
        case .importFailed: 10
        case .cancelled: 11
        case .timedOut: 12
        case .refused: 13
        case .unreachable: 14
        case .integrity: HoistExit.integrity
        }
    }

    static let table = """
        With --import, also:
          2    invalid import parameters, manifest or image (ISO, too small a disk),
               or the image name is held by an image imported from another
               object; found before the upload, nothing was sent
          10   the import ran and failed in ECS; `hoist retry JOB` imports again
          11   the import was cancelled (`hoist cancel JOB`)
          12   --timeout expired; the import goes on, rerun the command to follow it
          13   ECS refused: credentials, permissions, the RAM role
               AliyunECSImageImportDefaultRole
          14   ECS unreachable or failing; rerun the command to continue
          130  interrupted; an import already started goes on in ECS, rerun to follow it
        """
}

/// The import half of `hoist upload FILE --import`: everything ImportImage needs is checked
/// before the first byte is uploaded (a bad manifest costs milliseconds, not an upload), and
/// after the verified upload the same job is imported and followed.
///
/// Rerunning the same command after a crash resumes whichever phase was interrupted: the
/// engine finds the job (resuming its parts, or reporting it already uploaded) and the tracker
/// reuses the job's ClientToken or follows its journaled import; it never sends a second
/// ImportImage for the same job. An import that ended (failed, cancelled) is only redone by
/// `hoist retry`, as for `hoist import`.
struct UploadImportChain {
    let options: UploadImportOptions
    let context: ImportContext
    let output: ImportOutput
    let request: ImportImageRequest

    /// Runs every check that needs no network: parameters (config < manifest < flags), the
    /// image file itself, and every ImportImage rule.
    init(options: UploadImportOptions, file: String, location: ObjectLocation, settings: HoistSettings,
         configPath: String?, output: ImportOutput) throws(ImportError) {
        let context = try ImportContext(config: configPath, stateDirectory: settings.stateDirectory,
                                        insecureHTTP: settings.insecureHTTP)
        let layers = try options.image.layers(config: context.importConfig)
        if let asked = layers.merged.region, !settings.region.isEmpty, asked != settings.region {
            throw .usage("the import region \(asked) differs from the bucket's region \(settings.region): "
                         + "ECS imports only from a bucket in the image's own region")
        }
        let prepared: ImportPreflight.Prepared
        do {
            let region = settings.region.isEmpty ? context.defaultRegion : settings.region
            prepared = try ImportPreflight(defaultRegion: region).prepare(layers.merged, object: location, sourceFile: file)
        } catch {
            throw layers.locating(error)
        }
        if let inspection = prepared.inspection { output.emit(.inspected(path: file, inspection: inspection)) }
        self.options = options
        self.context = context
        self.output = output
        self.request = prepared.request
    }

    /// The checks that need the journal and ECS, run after the offline ones and before the
    /// first byte: a job whose import already ended is refused, and so is an image name held
    /// by an image imported from another object (one DescribeImages).
    func preflight(journal: UploadJournal, file: String, location: ObjectLocation, transport: Transport) async throws {
        try await refuseEndedImport(journal: journal, file: file, location: location)
        try await tracker(journal: journal, transport: transport).checkImageName(request)
    }

    /// Refuses to upload again for a job whose import already ended: the upload engine would
    /// treat a failed job as one to redo, and that would be a second import nobody asked for.
    func refuseEndedImport(journal: UploadJournal, file: String, location: ObjectLocation) async throws {
        guard let job = try await journal.findJob(sourcePath: file, bucket: location.bucket, key: location.key),
              job.state == .failed || job.state == .cancelled,
              try await journal.latestImport(jobId: job.id) != nil else { return }
        throw ImportError.wrongState(
            jobId: job.id, state: job.state,
            hint: "its import ended (\(job.error ?? job.state.rawValue)); `hoist retry \(job.id)` imports it again")
    }

    /// Imports the uploaded job and, with `--wait`, follows it; returns the exit code.
    func run(jobId: String, transport: Transport, journal: UploadJournal) async throws -> ExitCode {
        let outcome = try await tracker(journal: journal, transport: transport)
            .run(jobId: jobId, request: request, wait: options.follow.wait)
        return output.finish(outcome, jobId: jobId)
    }

    /// The engine verifies the object itself (or finds it verified), so the tracker gets no
    /// OSS client: no second HeadObject.
    private func tracker(journal: UploadJournal, transport: Transport) throws -> ImportTracker {
        let credentials = try context.credentials()
        let ecs = try context.ecsClient(flag: options.ecs.ecsEndpoint, region: request.regionId,
                                        credentials: { credentials }, transport: transport)
        return ImportTracker(journal: journal, ecs: ecs, settings: options.follow.settings(), onEvent: { output.emit($0) })
    }
}
