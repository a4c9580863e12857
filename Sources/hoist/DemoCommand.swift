import ArgumentParser
import Foundation
import HoistCore

/// `hoist demo`: the product end to end on this machine: the real agent against the embedded
/// emulator, put through what a real one meets (see `DemoRun`).
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the agent end to end against the built-in emulator (nothing leaves this machine).",
        discussion: """
        Runs the real agent (`hoist agent`, as a child process of this program) against the \
        OSS+ECS emulator on loopback with signature checks on, and shows the agent's own lines \
        as they come. A build job writes a qcow2 image into the watch folder slowly, beside a \
        manifest naming the image; the agent waits until the file stops changing (--settle) and \
        takes it. During the upload the network is pulled for a few seconds and put back; then \
        the agent is killed with SIGKILL and started again with the same command line: it \
        resumes from its journal, and the emulator's counters show that the parts already safe \
        were not sent again. The agent checks the object's CRC-64, calls ImportImage exactly \
        once, follows the import to Available and files the image in done/ with \
        NAME.result.json, which the demo prints. Every step is narrated from what the agent \
        printed or the emulator counted, never from the plan. The emulator's link is capped so \
        the upload lasts about 12 s whatever --size is.

        Example:
          hoist demo --size 128MiB --part-size 4MiB
        """)

    @Option(help: ArgumentHelp("Size of the generated image.", valueName: "size"))
    var size = "256MiB"

    @Option(help: ArgumentHelp("Part size.", valueName: "size"))
    var partSize = "8MiB"

    @Option(help: ArgumentHelp("Parts in flight.", valueName: "n"))
    var parallel = 8

    @Option(help: ArgumentHelp("Share of part uploads that fail with 500 (0 to 0.5).", valueName: "rate"))
    var failureRate = 0.05

    @Option(help: ArgumentHelp("How long the emulated ECS import takes, in seconds.", valueName: "seconds"))
    var importSeconds = 6.0

    @Flag(help: "Keep the demo's folder (image, watch folder, journal, emulator data) instead of removing it.")
    var keep = false

    func validate() throws {
        guard let size = ByteCount.parse(size), let part = ByteCount.parse(partSize) else {
            throw ValidationError("sizes look like 256MiB or 8MiB")
        }
        guard part >= 100 << 10 else { throw ValidationError("--part-size must be at least 100KiB, as in OSS") }
        // The network is pulled a quarter of the way in and the agent killed past halfway: that
        // needs parts to spare on both sides.
        guard (8...10_000).contains((size + part - 1) / part) else {
            throw ValidationError("--size / --part-size must give 8 to 10000 parts (e.g. --size 256MiB --part-size 8MiB)")
        }
        guard (0...0.5).contains(failureRate) else { throw ValidationError("--failure-rate must be 0 to 0.5") }
        guard (1...64).contains(parallel) else { throw ValidationError("--parallel must be 1 to 64") }
        guard importSeconds >= 0 else { throw ValidationError("--import-seconds must not be negative") }
    }

    func run() async throws {
        let folder = try DemoFolder.make()
        let demo = DemoRun(settings: DemoRun.Settings(size: ByteCount.parse(size)!, partSize: ByteCount.parse(partSize)!,
                                                      parallel: parallel, failureRate: failureRate,
                                                      importSeconds: importSeconds),
                           folder: folder)
        let work = Task { try await demo.run() }
        // Ctrl-C or SIGTERM stops the steps; `DemoRun.run` kills the child agent on its way out.
        let trap = SignalTrap { _ in work.cancel() }
        let result = await work.result
        if keep {
            StandardOutput.write("\n  demo files kept in \(folder.root)\n")
        } else {
            folder.remove()
        }
        switch result {
        case .success:
            return
        case .failure where trap.signalReceived != nil:
            throw exitWithMessage("demo stopped; its agent was killed" + (keep ? "" : " and its files removed"),
                                  code: HoistExit.interrupted)
        case .failure(let error):
            throw exitWithMessage("demo failed: \(error)", code: HoistExit.failure)
        }
    }
}
