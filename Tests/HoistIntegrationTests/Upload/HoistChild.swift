import Foundation
import HoistTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The built `hoist` executable, found next to the test bundle (SwiftPM puts every product of a
/// build in one directory), or at `$HOIST_BINARY`.
enum HoistBinary {
    static let path: String? = {
        if let explicit = ProcessInfo.processInfo.environment["HOIST_BINARY"], !explicit.isEmpty { return explicit }
        var starts = [URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()]
        starts.append(Bundle.main.bundleURL.resolvingSymlinksInPath())
        starts.append(Bundle.main.executableURL?.resolvingSymlinksInPath().deletingLastPathComponent() ?? starts[0])
        for start in starts {
            var directory = start
            for _ in 0..<4 {
                let candidate = directory.appendingPathComponent("hoist").path
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
                   FileManager.default.isExecutableFile(atPath: candidate) {
                    return candidate
                }
                directory = directory.deletingLastPathComponent()
            }
        }
        return nil
    }()
}

/// What a finished `hoist` run printed and returned.
struct HoistRun: Sendable {
    var exitCode: Int32
    /// True when the process died of a signal (then `exitCode` is the signal number).
    var signalled: Bool
    var stdout: String
    var stderr: String
    var seconds: Double

    var output: String { stdout + stderr }
}

/// A `hoist` child process with its output going to files (pipes could fill and block it),
/// started with `SpawnedProcess` (see there why not Foundation's `Process`).
final class HoistChild: @unchecked Sendable {
    let process: SpawnedProcess
    private let stdoutPath: String
    private let stderrPath: String
    private let started = Date()

    /// `umask`: the file mode mask the child starts with (as a unit's `UMask=` sets it); nil
    /// keeps the test's.
    init(arguments: [String], environment: [String: String], directory: String, umask mask: String? = nil) throws {
        guard let binary = HoistBinary.path else { throw HoistChildError.binaryNotFound }
        let id = UUID().uuidString.prefix(8)
        stdoutPath = directory + "/hoist-\(id).out"
        stderrPath = directory + "/hoist-\(id).err"
        var environment = environment
        // Tests send traffic to loopback only: a child without credentials must not try the real
        // ECS metadata address (100.100.100.200) unless a test points it at its own server.
        if environment["HOIST_ECS_METADATA_ENDPOINT"] == nil {
            environment["ALIBABA_CLOUD_ECS_METADATA_DISABLED"] = "true"
        }
        if let mask {
            process = try SpawnedProcess(executable: "/bin/sh",
                                         arguments: ["-c", "umask \(mask) && exec \"$0\" \"$@\"", binary] + arguments,
                                         environment: environment, stdout: .file(stdoutPath), stderr: .file(stderrPath))
        } else {
            process = try SpawnedProcess(executable: binary, arguments: arguments, environment: environment,
                                         stdout: .file(stdoutPath), stderr: .file(stderrPath))
        }
    }

    var isRunning: Bool { process.isRunning }

    func signal(_ number: Int32) { process.signal(number) }

    var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// Waits for the process to end; after `timeout` seconds it is killed and the run is
    /// reported with exit code -1, so a hung child never hangs the suite.
    func wait(timeout: Double = 60) async -> HoistRun {
        let deadline = Date().addingTimeInterval(timeout)
        var timedOut = false
        while process.isRunning {
            if Date() > deadline {
                timedOut = true
                kill(process.processIdentifier, SIGKILL)
                break
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        process.waitUntilExit()
        let run = HoistRun(exitCode: timedOut ? -1 : process.terminationStatus, signalled: process.signalled, stdout: stdout,
                           stderr: stderr, seconds: Date().timeIntervalSince(started))
        try? FileManager.default.removeItem(atPath: stdoutPath)
        try? FileManager.default.removeItem(atPath: stderrPath)
        return run
    }
}

enum HoistChildError: Error, CustomStringConvertible {
    case binaryNotFound
    case timedOut(String)

    var description: String {
        switch self {
        case .binaryNotFound: "the hoist executable was not found next to the tests; build it or set HOIST_BINARY"
        case .timedOut(let what): "timed out waiting for \(what)"
        }
    }
}

/// Polls `condition` every 10 ms until it holds or `timeout` seconds pass.
func waitUntil(_ what: String, timeout: Double = 30, _ condition: () async throws -> Bool) async throws {
    let deadline = Date().addingTimeInterval(timeout)
    while try await !condition() {
        guard Date() < deadline else { throw HoistChildError.timedOut(what) }
        try await Task.sleep(for: .milliseconds(10))
    }
}
