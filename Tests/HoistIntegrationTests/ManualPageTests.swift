import Foundation
import Testing

/// The shell completions and the man page come from the argument parser: the completions are
/// written by the binary at install time, the man page is committed (docs/man/hoist.1, made by
/// scripts/update-manpage.sh) and must still describe every command and flag the binary has.
@Suite struct ManualPageTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func hoist(_ arguments: [String]) async throws -> HoistRun {
        let directory = NSTemporaryDirectory() + "hoist-man-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": directory]
        return try await HoistChild(arguments: arguments, environment: environment, directory: directory).wait()
    }

    @Test(arguments: [("bash", "_hoist()"), ("zsh", "#compdef hoist"), ("fish", "complete -c 'hoist'")])
    func everyShellGetsCompletionsThatKnowDoctor(_ shell: String, _ marker: String) async throws {
        let run = try await hoist(["--generate-completion-script", shell])
        #expect(run.exitCode == 0, "\(run.stderr)")
        #expect(run.stdout.contains(marker), "\(run.stdout.prefix(400))")
        #expect(run.stdout.contains("doctor"))
        #expect(run.stdout.contains("ecs-endpoint"))
    }

    @Test func theManPageDescribesEveryCommandAndFlag() async throws {
        // mdoc spells a flag `Fl -name` (Fl adds the first dash).
        let page = try String(contentsOf: Self.root.appendingPathComponent("docs/man/hoist.1"), encoding: .utf8)
            .replacingOccurrences(of: "\\-", with: "-").replacingOccurrences(of: "Fl -", with: "--")
            .replacingOccurrences(of: ", -", with: ", --")
        let run = try await hoist(["--experimental-dump-help"])
        #expect(run.exitCode == 0, "\(run.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let command = try #require(document["command"] as? [String: Any])
        var missing: [String] = []
        func visit(_ command: [String: Any], path: String) {
            let name = command["commandName"] as? String ?? ""
            let full = path.isEmpty ? name : path + " " + name
            if !page.contains(name) { missing.append("command \(full)") }
            for argument in command["arguments"] as? [[String: Any]] ?? [] where argument["shouldDisplay"] as? Bool != false {
                for spelling in argument["names"] as? [[String: Any]] ?? [] where spelling["kind"] as? String == "long" {
                    let flag = "--" + (spelling["name"] as? String ?? "")
                    if !page.contains(flag) { missing.append("\(full) \(flag)") }
                }
            }
            for sub in command["subcommands"] as? [[String: Any]] ?? [] { visit(sub, path: full) }
        }
        visit(command, path: "")
        #expect(missing.isEmpty, "docs/man/hoist.1 is out of date (run scripts/update-manpage.sh): \(missing)")
    }
}
