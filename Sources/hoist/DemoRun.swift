import Foundation
import HoistCore
import HoistEmulator
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// One run of `hoist demo`: the embedded emulator, the real agent as a child process, and the
/// things that happen to a real agent (a file written slowly, a network outage, `kill -9`).
///
/// Rule: every sentence about what the agent did is said after the demo observed it, in the
/// agent's own lines (shown as `agent |`) or in the emulator's counters; nothing is narrated from
/// the plan. A step whose event does not come within its bound fails the demo.
final class DemoRun: @unchecked Sendable {
    struct Settings {
        var size: Int64
        var partSize: Int64
        var parallel: Int
        var failureRate: Double
        var importSeconds: Double
    }

    static let bucket = "images"
    static let imageName = "build-42"
    static let file = "build-42.qcow2"
    static let credentials = OSSAccessKey(id: "LTAIdemoAccessKeyId", secret: "demo-secret-never-printed")
    /// How long the capped link takes for the whole image: long enough to act during the upload.
    static let uploadSeconds = 12.0

    let settings: Settings
    let folder: DemoFolder
    let say = DemoNarration()
    let lines = DemoLines()
    private let lock = NSLock()
    private var agent: DemoAgent?
    private var server: EmulatorServer?

    init(settings: Settings, folder: DemoFolder) {
        self.settings = settings
        self.folder = folder
    }

    var watch: String { folder.path("incoming") }
    var done: String { watch + "/done" }
    var partCount: Int { Int((DemoImage.fileSize(settings.size) + settings.partSize - 1) / settings.partSize) }

    /// Runs every step; the agent and the emulator are stopped on every path out.
    func run() async throws {
        do {
            try await steps()
        } catch {
            await cleanUp()
            throw error
        }
        await cleanUp()
    }

    /// Kills the agent if it still runs and shuts the emulator down. Safe to call twice.
    func cleanUp() async {
        let (agent, server) = lock.withLock { () -> (DemoAgent?, EmulatorServer?) in
            defer { self.agent = nil; self.server = nil }
            return (self.agent, self.server)
        }
        agent?.killAndReap()
        try? await server?.shutdown()
    }

    private func steps() async throws {
        say.title("hoist demo: a disk image from a build job to an ECS custom image, by the real agent (all on loopback)")
        let server = try await startEmulator()
        try await startAgent(server, step: "agent")
        _ = try await demoWait("the agent's start-up scan", timeout: 60, agent: currentAgent) {
            lines.first(containing: "ready:")
        }
        let crc = try await dropImage()
        try await pullNetwork(server)
        let resumed = try await killAndRestart(server)
        try await finish(server, localCRC: crc, resumed: resumed)
    }

    var currentAgent: DemoAgent? { lock.withLock { agent } }

    // MARK: Steps

    private func startEmulator() async throws -> EmulatorServer {
        let fileSize = DemoImage.fileSize(settings.size)
        let cap = max(1 << 20, Int(Double(fileSize) / Self.uploadSeconds))
        var config = EmulatorConfig(storage: .directory(folder.path("emulator")), buckets: [Self.bucket],
                                    accessKeys: [Self.credentials])
        config.ecs.importSeconds = settings.importSeconds
        config.faults.bandwidth = BandwidthFault(bytesPerSecond: cap)
        if settings.failureRate > 0 {
            config.faults.errors = [ErrorFault(operation: "UploadPart", rate: settings.failureRate, status: 500)]
        }
        let server = try await EmulatorServer.start(config, logger: Logger(label: "hoist.demo.emulator",
                                                                           factory: { _ in SwiftLogNoOpLogHandler() }))
        lock.withLock { self.server = server }
        say.step("emulator", "OSS and ECS on \(server.baseURL), bucket \"\(Self.bucket)\", signatures checked")
        say.detail("its link carries \(ByteCount.approximate(Int64(cap)))/s, so the upload lasts long enough to pull the network and kill the agent during it")
        if settings.failureRate > 0 {
            say.detail("\(Int((settings.failureRate * 100).rounded()))% of part uploads are answered 500 InternalError")
        }
        return server
    }

    /// Seconds the agent waits for a dropped file to stop changing: short, but several times the
    /// pause between the build job's writes.
    static let settle = 2

    private func agentArguments(_ server: EmulatorServer) -> [String] {
        ["--watch", watch, "--state-dir", folder.path("state"), "--config", folder.path("hoist.toml"),
         "--endpoint", server.baseURL, "--ecs-endpoint", server.baseURL, "--region", "cn-hangzhou",
         "--bucket", Self.bucket, "--prefix", "builds/", "--settle", "\(Self.settle)", "--min-age", "1",
         "--poll-interval", "1", "--retry-delay", "1", "--exit-with-parent", "\(getpid())"]
    }

    /// Starts `hoist agent` as a child; only the credentials and a PATH come from outside it.
    private func startAgent(_ server: EmulatorServer, step: String) async throws {
        let config = "[upload]\npart-size = \"\(ByteCount.format(settings.partSize).replacingOccurrences(of: " ", with: ""))\"\n"
            + "parallel = \(settings.parallel)\n"
        try Data(config.utf8).write(to: URL(fileURLWithPath: folder.path("hoist.toml")))
        let environment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": folder.root,
            "ALIBABA_CLOUD_ACCESS_KEY_ID": Self.credentials.id, "ALIBABA_CLOUD_ACCESS_KEY_SECRET": Self.credentials.secret,
            "NO_PROXY": "*", "no_proxy": "*",
        ]
        let say = say
        let arguments = agentArguments(server)
        let agent = try DemoAgent(arguments: arguments, environment: environment, lines: lines) { say.agent($0) }
        lock.withLock { self.agent = agent }
        say.step(step, "hoist agent \(arguments.joined(separator: " "))")
        say.detail("a child process (pid \(agent.pid)); credentials in its environment; its lines are marked agent |")
    }

    /// Builds the image, then writes it into the watch folder slowly, as a build job would.
    private func dropImage() async throws -> UInt64 {
        let built = folder.path("build/" + Self.file)
        let crc = try DemoImage.write(to: built, size: settings.size)
        let size = DemoImage.fileSize(settings.size)
        say.step("image", "\(built): qcow2, \(ByteCount.format(size)), random data, CRC-64 \(crc)")
        let manifest = "image-name = \"\(Self.imageName)\"\nplatform = \"Ubuntu\"\narchitecture = \"x86_64\"\n"
        try Data(manifest.utf8).write(to: URL(fileURLWithPath: watch + "/" + Self.file + ".toml"))
        say.step("drop", "incoming/\(Self.file).toml: image-name = \"\(Self.imageName)\", platform Ubuntu")
        let chunks = 16
        say.step("drop", "incoming/\(Self.file): written in \(chunks) chunks over about 3 s, as a build job or scp writes")
        let mark = lines.count
        let copyStart = say.elapsed
        try await DemoImage.copySlowly(from: built, to: watch + "/" + Self.file, chunks: chunks, pause: .milliseconds(200))
        let lastWrite = say.elapsed
        if lines.first(containing: "\(Self.file): taken", since: mark) != nil {
            throw GeneralFailure("the agent took \(Self.file) while it was still being written")
        }
        say.step("drop", String(format: "written (%.1f s); the agent did not take it while it grew", lastWrite - copyStart))
        _ = try await demoWait("the agent taking \(Self.file)", timeout: 60, agent: currentAgent) {
            lines.first(containing: "\(Self.file): taken", since: mark)
        }
        say.detail(String(format: "taken %.1f s after the last write, once its size and mtime had stayed the same "
                          + "for --settle \(Self.settle)s", say.elapsed - lastWrite))
        return crc
    }

    /// Parts the emulator stored (answered 200), by part number.
    private func stored(_ server: EmulatorServer) -> [PartReceipt] {
        server.counters.snapshot().parts.filter { $0.status == 200 }
    }

    /// Pulls the network a quarter of the way in, holds it down a few seconds after the agent
    /// noticed, and puts it back.
    private func pullNetwork(_ server: EmulatorServer) async throws {
        let quarter = max(1, partCount / 4)
        _ = try await demoWait("\(quarter) parts stored", timeout: 120, agent: currentAgent) {
            Set(stored(server).map(\.partNumber)).count >= quarter ? true : nil
        }
        let mark = lines.count
        say.step("network", "pulling it: the emulator resets every open connection and every new one "
                 + "(\(Set(stored(server).map(\.partNumber)).count) of \(partCount) parts stored so far)")
        server.faults.setNetworkDown(true)
        _ = try await demoWait("the agent reporting the network down", timeout: 60, agent: currentAgent) {
            lines.first(containing: "network down", since: mark)
        }
        try await Task.sleep(for: .seconds(3))
        let before = stored(server).count
        let back = lines.count
        server.faults.setNetworkDown(false)
        say.step("network", "back (the emulator kept the upload and its parts)")
        _ = try await demoWait("the agent reporting the network back", timeout: 60, agent: currentAgent) {
            lines.first(containing: "network back", since: back)
        }
        let returned = say.elapsed
        _ = try await demoWait("a part stored after the network came back", timeout: 60, agent: currentAgent) {
            stored(server).count > before ? true : nil
        }
        say.detail(String(format: "parts moving again: the next part stored %.1f s after the return", say.elapsed - returned))
    }

    /// What the emulator had before the kill and what the restarted agent said it kept.
    struct Resume {
        var storedBeforeKill: Set<Int>
        var receiptsBeforeRestart: Int
        var safeParts: Int?
    }

    /// `kill -9` once some parts are stored (past the outage), then the same command line again.
    private func killAndRestart(_ server: EmulatorServer) async throws -> Resume {
        let target = max(Set(stored(server).map(\.partNumber)).count + 1, partCount * 3 / 5)
        _ = try await demoWait("\(target) parts stored", timeout: 120, agent: currentAgent) {
            Set(stored(server).map(\.partNumber)).count >= target ? true : nil
        }
        guard let agent = currentAgent else { throw GeneralFailure("the agent is not running") }
        agent.signal(SIGKILL)
        let status = try await agent.waitForExit()
        guard status == -SIGKILL else { throw GeneralFailure("the agent ended with \(status), not by SIGKILL") }
        // A part whose bytes had all arrived is still stored; wait for those to settle before counting.
        _ = try await demoWait("the emulator finishing parts in flight", timeout: 60) {
            server.counters.requestsInProgress("UploadPart") == 0 ? true : nil
        }
        let before = stored(server)
        let storedBeforeKill = Set(before.map(\.partNumber))
        say.step("kill -9", "agent (pid \(agent.pid)) killed by SIGKILL mid-upload: "
                 + "\(storedBeforeKill.count) of \(partCount) parts stored by the emulator")
        let mark = lines.count
        try await startAgent(server, step: "restart")
        let line = try await demoWait("the restarted agent starting the upload", timeout: 60, agent: currentAgent) {
            lines.first(containing: "upload resumed:", since: mark) ?? lines.first(containing: "upload started", since: mark)
        }
        let safe = Self.number(before: " of ", in: line)
        if lines.first(containing: "resuming unfinished job", since: mark) != nil, let safe {
            say.detail("resumed from its journal: \(safe) parts were journaled as safe before the kill")
        }
        return Resume(storedBeforeKill: storedBeforeKill, receiptsBeforeRestart: before.count, safeParts: safe)
    }

    /// The integer just before `marker` in `line` ("upload resumed: 17 of 32 parts" gives 17).
    static func number(before marker: String, in line: String) -> Int? {
        guard let range = line.range(of: marker) else { return nil }
        return Int(line[..<range.lowerBound].split(separator: " ").last ?? "")
    }
}
