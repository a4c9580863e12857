import ArgumentParser
import Foundation
import HoistCore

/// `hoist import oss://BUCKET/KEY`: imports an object that is already in OSS as an ECS image.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import an OSS object as an ECS custom image, exactly once.",
        discussion: """
        Checks every ImportImage rule locally first (with --source-file also the
        image itself: format, virtual size, ISO, backing files), so a mistake fails
        at once and nothing is sent. Then it records a ClientToken in the journal
        before calling ImportImage and reuses it on every retry and every rerun:
        running the same command again continues the same job and never starts a
        second import. Every ImportImage carries the tags hoist:job (the job) and
        hoist:crc64 (the object's verified CRC-64). An image that already exists
        with the same name (importing or available) is adopted instead only if it
        provably came from this build's bytes: its tags name this job and CRC-64,
        or, without Hoist's tags, it was imported from this object more than
        5 minutes after the object's current version was written. Any other holder
        of the name is a refusal (exit 2) that names it and says why. Without
        --image-name the name is the object's file name, made valid; a template
        such as 'web-{date}-{time}' or 'web-{crc}' gives each build its own. With
        --wait it follows the import.

        Only a verified object is imported: its CRC-64 must equal the one Hoist
        journaled when it uploaded it or, for an object Hoist did not upload, the
        CRC-64 of --source-file (computed locally).

        ECS reads the object through the RAM role AliyunECSImageImportDefaultRole,
        which the account owner creates once (ECS console, Import Image, one-click
        authorisation).

        Parameters come from the config's [import] table, then --manifest, then
        the flags (each overrides the one before). A manifest is TOML:
          image-name = "ubuntu-24.04-web_v3"
          platform = "Ubuntu"
          boot-mode = "UEFI"
          [tags]
          team = "web"

        Credentials come from the SDKs' chain (the environment, systemd credentials,
        an OIDC role, the aliyun CLI profile, ~/.alibabacloud/credentials, the ECS
        instance RAM role, ALIBABA_CLOUD_CREDENTIALS_URI); they are never printed. To upload and import
        in one command, use `hoist upload FILE --import --image-name NAME --wait`.

        Examples:
          hoist import oss://images/ubuntu-24.04.qcow2 \\
              --image-name ubuntu-24.04-v1 --platform Ubuntu --arch x86_64 \\
              --boot-mode UEFI --region cn-hangzhou --wait
          hoist import oss://images/disk.raw --source-file ./disk.raw \\
              --image-name web-2024-06 --tag team=web --tag env=prod \\
              --region cn-hangzhou --wait --timeout 2h
          hoist import oss://images/disk.qcow2 --manifest disk.qcow2.toml \\
              --json --wait
          hoist cancel j-1a2b3c4d
          hoist retry j-1a2b3c4d --wait

        \(ImportExit.helpText)
        """
    )

    @Argument(help: ArgumentHelp("The object to import.", valueName: "oss://BUCKET/KEY"))
    var object: String

    @OptionGroup(title: "Image") var image: ImportParameterOptions

    @Option(name: .customLong("source-file"), help: ArgumentHelp(
        "The local image the object was uploaded from: its format and virtual size fill --format and --disk-image-size, "
        + "and ISO or damaged images are refused before anything is sent.", valueName: "path"))
    var sourceFile: String?

    @OptionGroup(title: "Where") var journalOptions: JournalOptions

    @Option(help: ArgumentHelp("Region of the bucket and the image, e.g. cn-hangzhou (env HOIST_REGION or "
                               + "ALIBABA_CLOUD_REGION_ID, manifest region, config [oss] region).", valueName: "id"))
    var region: String?

    @Option(name: [.customLong("endpoint"), .customLong("oss-endpoint")], help: ArgumentHelp(
        "OSS endpoint for the object check (env HOIST_ENDPOINT, config [oss] endpoint; default the region's).",
        valueName: "url"))
    var ossEndpoint: String?

    @OptionGroup var ecs: ECSEndpointOption

    @Flag(name: .customLong("skip-object-check"), help: "Do not check with HeadObject that the object exists and has the verified CRC-64.")
    var skipObjectCheck = false

    @OptionGroup(title: "Progress") var follow: ImportWaitOptions

    @Flag(help: "Print JSON lines (one object per event) instead of text.")
    var json = false

    func run() async throws {
        let output = ImportOutput(json: json)
        do {
            let location: ObjectLocation
            do { location = try ObjectLocation(parsingObject: object) } catch { throw ImportError.usage(error.description) }
            let settings = try RuntimeSettings.load(journalOptions.runtimeOptions(endpoint: ossEndpoint,
                                                                                  ecsEndpoint: ecs.ecsEndpoint))
            let layers = try image.layers(config: settings.importConfig, region: region)
            let sourcePath = sourceFile.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
            let prepared: ImportPreflight.Prepared
            do {
                prepared = try ImportPreflight(defaultRegion: settings.defaultRegion)
                    .prepare(layers.merged, object: location, sourceFile: sourcePath)
            } catch {
                throw layers.locating(error)
            }
            if let sourcePath, let inspection = prepared.inspection {
                output.emit(.inspected(path: sourcePath, inspection: inspection))
            }
            let runtime = try HoistRuntime(settings)
            defer { runtime.shutdown() }
            let job = ObjectImportJob(object: location, sourcePath: sourcePath, importImage: prepared.request,
                                      checkObject: !skipObjectCheck,
                                      options: JobRunOptions(followImport: follow.wait, importSettings: follow.settings()))
            let outcome = try await JobRunner(runtime: runtime).run(job) { event in
                if case .import(let event) = event { output.emit(event) }
            }
            guard let imported = outcome.imported else { throw output.fail(ImportError.jobNotFound(outcome.jobId)) }
            throw output.finish(imported, jobId: outcome.jobId)
        } catch let exit as ExitCode {
            throw exit
        } catch let error as JobLockError {
            if case .held = error { throw exitWithMessage(error.description, code: HoistExit.locked) }
            throw exitWithMessage(error.description, code: HoistExit.failure)
        } catch {
            throw output.fail(error)
        }
    }
}
