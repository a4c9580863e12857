import ArgumentParser
import Foundation
import HoistCore
import HoistEmulator
import Logging

/// `hoist demo`: the product end to end on this machine, against the embedded emulator.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the whole pipeline against the built-in emulator (nothing leaves this machine).",
        discussion: """
        Starts the OSS emulator on loopback with signature checks on, generates a disk image in a \
        build folder, and uploads it with the real engine: parallel parts, the durable journal and \
        CRC-64 checks. To show what the journal is for, the network is made unreliable (a share \
        of part uploads fail with 500 and are retried on their own) and the upload is stopped \
        halfway, then resumed: parts already safe are not sent again. The object's CRC-64 is \
        compared with the CRC of the local file, and the object is imported as an ECS custom \
        image with ImportImage, exactly once, and followed until it is Available.

        Example:
          hoist demo --size 512MiB --part-size 16MiB
        """)

    @Option(help: ArgumentHelp("Size of the generated image.", valueName: "size"))
    var size = "256MiB"

    @Option(help: ArgumentHelp("Part size.", valueName: "size"))
    var partSize = "8MiB"

    @Option(help: ArgumentHelp("Parts in flight.", valueName: "n"))
    var parallel = 8

    @Option(help: ArgumentHelp("Share of part uploads that fail with 500 (0 to 0.5).", valueName: "rate"))
    var failureRate = 0.1

    @Option(help: ArgumentHelp("How long the emulated ECS import takes, in seconds.", valueName: "seconds"))
    var importSeconds = 6.0

    @Flag(help: "Keep the demo's folder (image, journal, emulator data) instead of removing it.")
    var keep = false

    func validate() throws {
        guard ByteCount.parse(size) != nil, ByteCount.parse(partSize) != nil else {
            throw ValidationError("sizes look like 256MiB or 8MiB")
        }
        guard (0...0.5).contains(failureRate) else { throw ValidationError("--failure-rate must be 0 to 0.5") }
        guard (1...64).contains(parallel) else { throw ValidationError("--parallel must be 1 to 64") }
    }

    func run() async throws {
        let folder = try DemoFolder.make()
        defer { if !keep { folder.remove() } }
        let out = DemoNarration()
        out.title("hoist demo: a disk image from a build folder to an ECS custom image (all on loopback)")

        let credentials = Credentials(accessKeyId: "LTAIdemoAccessKeyId", accessKeySecret: "demo-secret-never-printed")
        var emulator = EmulatorConfig(
            storage: .directory(folder.path("emulator")), buckets: ["images"],
            accessKeys: [OSSAccessKey(id: credentials.accessKeyId, secret: credentials.accessKeySecret)])
        emulator.ecs.importSeconds = importSeconds
        let server = try await EmulatorServer.start(emulator, logger: Logger(label: "hoist.demo.emulator",
                                                                             factory: { _ in SwiftLogNoOpLogHandler() }))
        defer { Task { try? await server.shutdown() } }
        out.step("emulator", "OSS and ECS on \(server.baseURL), bucket \"images\", signatures checked")

        let image = folder.path("build/build-42.raw")
        let imageSize = ByteCount.parse(size)!
        let localCRC = try DemoImage.write(to: image, size: imageSize)
        out.step("image", "\(image) (\(ByteCount.format(imageSize)), raw) generated as a build would leave it")

        // The demo's own settings only: no config file, no HOIST_* variables of this shell.
        let config = folder.path("hoist.toml")
        _ = FileManager.default.createFile(atPath: config, contents: Data())
        let runtime = try HoistRuntime(RuntimeOptions(
            configPath: config,
            flags: HoistConfig(endpoint: server.baseURL, region: "cn-hangzhou", signatureVersion: .v4,
                               partSize: ByteCount.parse(partSize)!, parallel: parallel,
                               stateDirectory: folder.path("state")),
            ecsEndpoint: server.baseURL, environment: [:], credentials: credentials))
        defer { runtime.shutdown() }
        let runner = JobRunner(runtime: runtime)
        let request = UploadRequest(sourcePath: image, location: ObjectLocation(bucket: "images", key: "builds/build-42.raw"),
                                    partSize: ByteCount.parse(partSize)!, parallel: parallel,
                                    endpoint: server.baseURL)
        server.faults.addError(ErrorFault(operation: "UploadPart", rate: failureRate, status: 500))
        out.step("network", "\(Int(failureRate * 100))% of part uploads now fail with 500 InternalError")

        out.step("upload", "\(request.location), \(ByteCount.format(request.partSize)) parts, \(parallel) in flight")
        let first = try await DemoUpload.run(request, runner: runner, stopAtHalf: true)
        out.detail("stopped at \(first.partsDone) of \(first.partCount) parts, as Ctrl-C, kill -9 or a reboot would")

        out.step("resume", "the same upload again: the journal knows which parts are safe")
        let second = try await DemoUpload.run(request, runner: runner, stopAtHalf: false)
        guard let outcome = second.outcome else { throw GeneralFailure("the resumed upload did not finish") }
        out.detail("\(outcome.partsAlreadySafe) parts were already safe and not sent again; \(outcome.partsSent) sent now, \(outcome.retries) retries")

        let client = try runtime.ossClient(runtime.settings.oss())
        let head = try await client.headObject(bucket: "images", key: request.location.key)
        let receipts = server.counters.snapshot().parts.filter { $0.status == 200 }
        let resent = receipts.count - Set(receipts.map(\.partNumber)).count
        out.step("verify", "object CRC-64 \(head.crc64.map(String.init) ?? "?") == local file CRC-64 \(localCRC): \(head.crc64 == localCRC ? "match" : "MISMATCH")")
        out.detail("parts the server stored twice: \(resent) (in flight when the upload stopped, so not yet journaled as safe)")
        guard head.crc64 == localCRC else { throw ExitCode(HoistExit.integrity) }

        out.step("import", "ImportImage once (its ClientToken is journaled first), then follow the task")
        let imported = try await DemoImport.run(request, runner: runner)
        let calls = server.ecs.counters()
        out.detail("ImportImage calls: \(calls.importImageCalls), images created: \(calls.imagesCreated)")
        if keep { out.detail("demo files kept in \(folder.root)") }
        try await server.shutdown()
        guard case .available(let record) = imported, let imageId = record.imageId else {
            out.done("the import did not reach Available")
            throw ExitCode(HoistExit.failure)
        }
        out.done("custom image \(imageId) (build-42) is Available")
    }
}
