import Foundation
import HoistCore

/// One run of an upload job for the demo, rendered with the same reporter as `hoist upload`,
/// optionally stopped (cancelled, as Ctrl-C does) once half the parts are safe.
enum DemoUpload {
    struct Result {
        var partsDone = 0
        var partCount = 0
        var outcome: UploadOutcome?
    }

    static func run(_ request: UploadRequest, runner: JobRunner, stopAtHalf: Bool) async throws -> Result {
        let reporter = UploadReporter(mode: Terminal.isTerminal(2) ? .bar : .plain, plainInterval: 1)
        let tally = PartTally()
        let stop = StopSwitch()
        let upload = Task {
            try await runner.run(UploadJob(upload: request)) { event in
                guard case .upload(let event) = event else { return }
                reporter.handle(event)
                tally.record(event)
                if stopAtHalf, tally.reachedHalf { stop.pull() }
            }
        }
        stop.arm { upload.cancel() }
        var result = Result()
        switch await upload.result {
        case .success(let outcome):
            if let summary = outcome.upload { reporter.finish(summary) }
            result.outcome = outcome.upload
        case .failure(let error):
            guard stopAtHalf, (error as? UploadFailure)?.category == .interrupted else { throw error }
            reporter.clear()
        }
        (result.partsDone, result.partCount) = tally.counts
        return result
    }
}

/// Stops a task from an event handler: pulled before it is armed, it fires when armed.
final class StopSwitch: @unchecked Sendable {
    private let lock = NSLock()
    private var pulled = false
    private var action: (@Sendable () -> Void)?

    func arm(_ action: @escaping @Sendable () -> Void) {
        let fire = lock.withLock { () -> Bool in
            self.action = action
            return pulled
        }
        if fire { action() }
    }

    func pull() {
        let action = lock.withLock { () -> (@Sendable () -> Void)? in
            defer { pulled = true }
            return pulled ? nil : self.action
        }
        action?()
    }
}

/// Counts parts as the engine reports them, from the engine's threads.
final class PartTally: @unchecked Sendable {
    private let lock = NSLock()
    private var done = 0
    private var total = 0
    private var ended = false

    func record(_ event: UploadEvent) {
        lock.withLock {
            switch event {
            case .started(let start): total = start.partCount; done = start.safeParts
            case .partDone: done += 1
            case .verified, .alreadyUploaded: ended = true
            default: break
            }
        }
    }

    var counts: (Int, Int) { lock.withLock { (done, total) } }
    var reachedHalf: Bool { lock.withLock { total > 0 && done * 2 >= total } }
    var finished: Bool { lock.withLock { ended } }
}

/// The demo's scratch folder: image, journal and emulator data.
struct DemoFolder {
    let root: String

    static func make() throws -> DemoFolder {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("hoist-demo-\(UUID().uuidString.prefix(8))").path
        for sub in ["build", "state", "emulator"] {
            try FileManager.default.createDirectory(atPath: root + "/" + sub, withIntermediateDirectories: true)
        }
        return DemoFolder(root: root)
    }

    func path(_ relative: String) -> String { root + "/" + relative }
    func remove() { try? FileManager.default.removeItem(atPath: root) }
}

/// The demo's own lines on stdout, numbered steps with indented details.
struct DemoNarration {
    func title(_ text: String) { StandardOutput.write("\(text)\n\n") }
    func step(_ name: String, _ text: String) {
        StandardOutput.write("  \(name.padding(toLength: 9, withPad: " ", startingAt: 0)) \(text)\n")
    }
    func detail(_ text: String) { StandardOutput.write("            \(text)\n") }
    func done(_ text: String) { StandardOutput.write("\n  done: \(text)\n") }
}

/// The import half of the demo: the same job run again with an import (the upload is found
/// verified, nothing is sent), ImportImage exactly once, followed to `Available` with the same
/// runner `hoist upload --import` uses, rendered as plain lines.
enum DemoImport {
    static func run(_ upload: UploadRequest, runner: JobRunner) async throws -> ImportOutcome? {
        let parameters = ImportParameters(imageName: "build-42", description: "imported by hoist demo",
                                          platform: "Ubuntu", osType: "linux", architecture: "x86_64")
        let prepared = try ImportPreflight(defaultRegion: "cn-hangzhou")
            .prepare(parameters, object: upload.location, sourceFile: upload.sourcePath)
        let printer = ImportPrinter()
        let settings = ImportTracker.Settings(poll: ImportPollSchedule(initial: .seconds(1), factor: 1, maximum: .seconds(1)))
        let job = UploadJob(upload: upload, importImage: prepared.request,
                            options: JobRunOptions(followImport: true, importSettings: settings))
        return try await runner.run(job) { event in
            if case .import(let event) = event { printer.show(event) }
        }.imported
    }
}

/// Prints import events as indented plain lines; events come from the tracker's tasks.
final class ImportPrinter: @unchecked Sendable {
    private let lock = NSLock()
    private var formatter = ImportEventFormatter(style: .plain)

    func show(_ event: ImportEvent) {
        lock.withLock {
            if let text = formatter.render(event) { StandardOutput.write("            " + text) }
        }
    }
}
