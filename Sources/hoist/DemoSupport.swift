import Foundation
import HoistCore

/// The demo's scratch folder: the build output, the agent's watch folder, its journal and the
/// emulator's data.
struct DemoFolder: Sendable {
    let root: String

    static func make() throws -> DemoFolder {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("hoist-demo-\(UUID().uuidString.prefix(8))").path
        for sub in ["build", "incoming", "state", "emulator"] {
            try FileManager.default.createDirectory(atPath: root + "/" + sub, withIntermediateDirectories: true)
        }
        return DemoFolder(root: root)
    }

    func path(_ relative: String) -> String { root + "/" + relative }
    func remove() { try? FileManager.default.removeItem(atPath: root) }
}

/// The demo's lines on stdout: each step stamped with the seconds since the demo started, details
/// indented under it, and the agent's own lines marked `agent |` as they arrive.
struct DemoNarration: Sendable {
    let start = ContinuousClock.now

    var elapsed: Double { DemoClock.seconds(ContinuousClock.now - start) }

    private var stamp: String { "[" + String(format: "%5.1f", elapsed) + "s]" }

    func title(_ text: String) { StandardOutput.write("\(text)\n\n") }

    func step(_ name: String, _ text: String) {
        StandardOutput.write("\(stamp) \(name.padding(toLength: 9, withPad: " ", startingAt: 0)) \(text)\n")
    }

    func detail(_ text: String) { StandardOutput.write("                   \(text)\n") }

    /// One line the agent printed, without its `hoist agent: ` prefix.
    func agent(_ line: String) {
        let text = line.hasPrefix("hoist agent: ") ? String(line.dropFirst("hoist agent: ".count)) : line
        StandardOutput.write("\(stamp)   agent | \(text)\n")
    }

    func block(_ text: String) {
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) where !line.isEmpty {
            StandardOutput.write("                   \(line)\n")
        }
    }

    func done(_ text: String) { StandardOutput.write("\n  done: \(text)\n") }
}

enum DemoClock {
    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

/// Waits for something the demo observes (an agent line, an emulator counter), looking every
/// 50 ms; gives up after `timeout` seconds with an error that says what did not happen.
func demoWait<T>(_ what: String, timeout: Double, agent: DemoAgent? = nil,
                 _ condition: () -> T?) async throws -> T {
    let deadline = ContinuousClock.now + .milliseconds(Int64(timeout * 1000))
    while true {
        if let value = condition() { return value }
        if let agent, !agent.isRunning {
            throw GeneralFailure("the agent exited while the demo waited for \(what)")
        }
        guard ContinuousClock.now < deadline else {
            throw GeneralFailure("\(what) did not happen within \(Int(timeout)) s")
        }
        try await Task.sleep(for: .milliseconds(50))
    }
}
