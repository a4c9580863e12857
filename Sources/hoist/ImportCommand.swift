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
        second import. An image that already exists with the same name (importing
        or available) is adopted instead. With --wait it follows the import.

        ECS reads the object through the RAM role AliyunECSImageImportDefaultRole,
        which the account owner creates once (ECS console, Import Image, one-click
        authorisation).

        Credentials come from ALIBABA_CLOUD_ACCESS_KEY_ID,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET and, for STS, ALIBABA_CLOUD_SECURITY_TOKEN;
        they are never printed.

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
    @OptionGroup(title: "Connection") var connection: ImportConnectionOptions
    @OptionGroup(title: "Progress") var follow: ImportFollowOptions

    func run() async throws {
        let output = ImportOutput(json: follow.json)
        do {
            guard let location = OSSObjectLocation(url: object) else {
                throw ImportError.usage("\(object) is not an object URL like oss://BUCKET/KEY")
            }
            var parameters = ImportParameters()
            if let manifest = image.manifest { parameters = try ImportManifest.load(path: manifest).parameters }
            parameters = parameters.overlaid(with: image.parameters(region: connection.resolvedRegion))
            let sourcePath = image.sourceFile.map { URL(fileURLWithPath: $0).standardizedFileURL.path }

            let prepared = try ImportPreflight().prepare(parameters, object: location, sourceFile: sourcePath)
            if let sourcePath, let inspection = prepared.inspection {
                output.emit(.inspected(path: sourcePath, inspection: inspection))
            }
            let region = prepared.request.regionId
            let credentials = try ImportCredentials.fromEnvironment()
            let journal = try connection.journal()
            let transport = try Transport()
            defer { transport.shutdown() }
            let ecs = ECSClient(configuration: .init(regionId: region, endpoint: try connection.ecsEndpoint(region: region)),
                                credentials: credentials, transport: transport)
            let ossEndpoint = connection.ossEndpointText(region: region)
            let oss = try objectChecker(ossEndpoint, region: region, credentials: credentials, transport: transport)

            let source = try sourcePath.map(Self.identity)
            let (job, _) = try await ImportJobLocator(journal: journal).job(
                object: location, sourcePath: sourcePath, source: source, imageName: prepared.request.imageName ?? "",
                endpoint: ossEndpoint)
            let tracker = ImportTracker(journal: journal, ecs: ecs, oss: oss, settings: follow.settings(),
                                        onEvent: { output.emit($0) })
            try await tracker.markUploaded(jobId: job.id, expectedSize: source?.size)
            let outcome = try await tracker.run(jobId: job.id, request: prepared.request, wait: follow.wait)
            throw output.finish(outcome, jobId: job.id)
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw output.fail(error)
        }
    }

    static func identity(_ path: String) throws(ImportError) -> SourceIdentity {
        do { return try SourceIdentity(path: path) } catch { throw .usage(String(describing: error)) }
    }

    func objectChecker(_ endpointText: String, region: String, credentials: Credentials,
                       transport: Transport) throws -> OSSClient? {
        guard !connection.skipObjectCheck else { return nil }
        guard let endpoint = OSSEndpoint(endpointText) else {
            throw ImportError.usage("--oss-endpoint \(endpointText) is not an http(s)://host[:port] URL")
        }
        return try OSSClient(endpoint: endpoint, credentials: credentials, transport: transport, region: region)
    }
}
