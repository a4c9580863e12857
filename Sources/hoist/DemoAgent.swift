import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The real `hoist agent`, run by the demo as a child process of this very binary, so that the
/// demo's `kill -9` is a real one and everything it narrates about the agent comes from the
/// agent's own output (one line per event on stderr).
///
/// Every line is shown (through `show`) before it is added to `lines`, so a narration that
/// waited for a line always prints after it.
final class DemoAgent: @unchecked Sendable {
    let pid: Int32
    let lines: DemoLines
    private let process = Process()

    /// Starts `hoist agent ARGUMENTS` with exactly `environment` (nothing of the caller's shell).
    init(arguments: [String], environment: [String: String], lines: DemoLines,
         show: @escaping @Sendable (String) -> Void) throws {
        self.lines = lines
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: try Self.executable())
        process.arguments = ["agent"] + arguments
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = output
        try process.run()
        pid = process.processIdentifier
        // The parent's copy of the write end must go, or the reader never sees the end of file.
        try? output.fileHandleForWriting.close()
        let reader = output.fileHandleForReading
        Thread.detachNewThread { [lines] in
            var pending = Data()
            while true {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                pending.append(chunk)
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                    pending.removeSubrange(pending.startIndex...newline)
                    show(line)
                    lines.append(line)
                }
            }
            if !pending.isEmpty {
                let line = String(decoding: pending, as: UTF8.self)
                show(line)
                lines.append(line)
            }
            try? reader.close()
        }
    }

    /// This executable, as the kernel knows it (not `argv[0]`, which may be a bare name).
    static func executable() throws -> String {
        do {
            return try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        } catch {
            throw GeneralFailure("cannot find this program's own executable (/proc/self/exe): \(error)")
        }
    }

    var isRunning: Bool { process.isRunning }

    func signal(_ number: Int32) {
        if process.isRunning { kill(pid, number) }
    }

    /// Waits for the child to end; returns its exit status, or the signal that ended it as a
    /// negative number.
    func waitForExit() async throws -> Int32 {
        while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
        return process.terminationReason == .uncaughtSignal ? -process.terminationStatus : process.terminationStatus
    }

    /// Makes sure the child is gone (the demo's cleanup on every path, Ctrl-C included).
    func killAndReap() {
        signal(SIGKILL)
        process.waitUntilExit()
    }
}

/// The agent's output lines so far, shared between the reader thread and the demo.
final class DemoLines: @unchecked Sendable {
    private let lock = NSLock()
    private var all: [String] = []

    func append(_ line: String) { lock.withLock { all.append(line) } }

    var count: Int { lock.withLock { all.count } }

    /// Lines from index `start` on.
    func since(_ start: Int) -> ArraySlice<String> {
        lock.withLock { Array(all[min(start, all.count)...])[...] }
    }

    /// The first line from index `start` on that contains `text`.
    func first(containing text: String, since start: Int = 0) -> String? {
        since(start).first { $0.contains(text) }
    }
}
