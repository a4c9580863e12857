import Foundation
import HoistTestSupport
import Testing

/// `./dev`, the README's two commands, on a machine that lacks packages. The machine's own
/// package tools must not be touched by a test, so `dpkg`, `apt-get`, `id`, `sudo` and `swift`
/// are small scripts first on `PATH` that record how they were called; the script under test
/// is the real one.
@Suite struct DevScriptTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// A folder of stand-in tools: `dpkg -s` knows only `installed`, `id -u` prints `uid`, and
    /// every call of `apt-get`, `sudo` and `swift` is appended to `calls`.
    func tools(installed: [String], uid: Int, sudo: Bool) throws -> (path: String, calls: String) {
        let dir = NSTemporaryDirectory() + "hoist-dev-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let calls = dir + "/calls"
        let known = installed.joined(separator: " ")
        var scripts = [
            "dpkg": "for p in \(known); do [ \"$2\" = \"$p\" ] && exit 0; done; exit 1",
            "apt-get": "echo \"apt-get $*\" >> \(calls)",
            "id": "echo \(uid)",
            "swift": "echo \"swift $*\" >> \(calls)",
            // The test steps' own needs, answered as present so only the build packages vary.
            "python3": "exit 0",
            "curl": "exit 0",
            "systemd-analyze": "exit 0",
        ]
        if sudo { scripts["sudo"] = "echo \"sudo $1\" >> \(calls); \"$@\"" }
        for (name, body) in scripts {
            let path = dir + "/" + name
            try "#!/bin/sh\n\(body)\n".write(toFile: path, atomically: true, encoding: .utf8)
            chmod(path, 0o755)
        }
        return (dir, calls)
    }

    func dev(_ arguments: [String], tools: String) throws -> (status: Int32, output: String) {
        // Only the stand-ins and the shell's basics: no real apt-get, sudo or swift is reachable.
        try CapturedProcess.run("/usr/bin/env", ["PATH=\(tools):/usr/bin:/bin", "bash", Self.root + "/dev"] + arguments)
    }

    func calls(_ path: String) -> [String] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    @Test func aMissingBuildPackageIsInstalledWithSudoAndSaidSo() throws {
        let t = try tools(installed: ["libsqlite3-dev"], uid: 1000, sudo: true)
        defer { try? FileManager.default.removeItem(atPath: t.path) }
        let run = try dev(["demo", "--size", "1GiB"], tools: t.path)
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.contains("dev: installing libcurl4-openssl-dev with sudo"), "\(run.output)")
        let made = calls(t.calls)
        #expect(made.contains("sudo env"))
        #expect(made.contains { $0.hasPrefix("apt-get install") && $0.hasSuffix("libcurl4-openssl-dev") }, "\(made)")
        #expect(made.last == "swift run hoist demo --size 1GiB", "\(made)")
    }

    @Test func nothingIsInstalledWhenNothingIsMissing() throws {
        let t = try tools(installed: ["libcurl4-openssl-dev", "libsqlite3-dev"], uid: 0, sudo: false)
        defer { try? FileManager.default.removeItem(atPath: t.path) }
        let run = try dev(["test", "--filter", "CRC64Tests"], tools: t.path)
        #expect(run.status == 0, "\(run.output)")
        #expect(calls(t.calls) == ["swift test --filter CRC64Tests"])
    }

    /// Only where the machine has no sudo of its own (the script must not find one on `PATH`).
    static let machineHasSudo = ["/usr/bin/sudo", "/bin/sudo"].contains { FileManager.default.fileExists(atPath: $0) }

    @Test(.enabled(if: !machineHasSudo, "this machine has sudo on PATH"))
    func withoutRootOrSudoItSaysWhatToRunAndStops() throws {
        let t = try tools(installed: [], uid: 1000, sudo: false)
        defer { try? FileManager.default.removeItem(atPath: t.path) }
        let run = try dev(["demo"], tools: t.path)
        #expect(run.status == 1)
        #expect(run.output.contains("apt-get install libcurl4-openssl-dev libsqlite3-dev"), "\(run.output)")
        #expect(calls(t.calls).isEmpty, "nothing was installed or built")
    }

    @Test func anUnknownStepIsAUsageError() throws {
        let t = try tools(installed: [], uid: 0, sudo: false)
        defer { try? FileManager.default.removeItem(atPath: t.path) }
        #expect(try dev(["deploy"], tools: t.path).status == 2)
        #expect(try dev(["--help"], tools: t.path).status == 0)
    }
}
