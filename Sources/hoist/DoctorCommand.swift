import ArgumentParser
import Foundation
import HoistAgent
import HoistCore

/// `hoist doctor`: argument parsing and printing only; the checks are `Doctor`'s (HoistCore)
/// and `AgentDoctor`'s (HoistAgent).
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the config, credentials, network, OSS bucket, ECS and state folder; say how to fix what fails.",
        discussion: """
        One line per check: ✓ passed, ✗ failed (followed by the fix), ! works but deserves \
        attention, - skipped (with the reason). Checks that need what an earlier one could not \
        provide are skipped, so one cause is reported once. Every check gives up after \
        --timeout seconds.

        The bucket check initiates one multipart upload under the prefix and aborts it at once; \
        ImportImage is checked with DryRun=true. Nothing else is changed, and no secret, token \
        or signature is printed. Agent checks (watch folders, inotify, the systemd unit) run \
        when the config has an [agent] table or --watch is given.

        Exit codes:
          0    no check failed (warnings and skipped checks allowed)
          1    at least one check failed
          64   usage error

        Examples:
          hoist doctor
          hoist doctor --config /etc/hoist/hoist.toml --json
          sudo -u hoist hoist doctor --config /etc/hoist/hoist.toml
        """)

    @OptionGroup var oss: OSSOptions
    @OptionGroup var ecs: ECSEndpointOption

    @Option(name: .customLong("watch"), help: ArgumentHelp(
        "A watch folder of the agent to check; repeat for several (also turns the agent checks on).", valueName: "dir"))
    var watch: [String] = []

    @Option(help: ArgumentHelp("Seconds each check may take (default \(Int(Doctor.defaultTimeout))).", valueName: "seconds"))
    var timeout: Double = Doctor.defaultTimeout

    @Flag(help: "Print one JSON document: {\"ok\", \"counts\", \"checks\": [{\"id\", \"title\", \"status\", \"detail\", \"fix\"}]}.")
    var json = false

    func validate() throws {
        guard timeout > 0, timeout <= 600 else { throw ValidationError("--timeout must be between 0 and 600 seconds") }
    }

    func run() async throws {
        let options: RuntimeOptions
        do {
            options = try oss.runtimeOptions(ecsEndpoint: ecs.ecsEndpoint)
        } catch {
            throw exitWithMessage(String(describing: error), code: HoistExit.usage)
        }
        let core = await Doctor(options: options, timeout: timeout).run()
        let agent = await AgentDoctor(configPath: options.configPath, watch: watch, environment: options.environment,
                                      timeout: timeout).run()
        let report = core + agent
        StandardOutput.write(json ? report.json() + "\n" : DoctorOutput.text(report))
        if report.failed { throw ExitCode(HoistExit.checkFailed) }
    }
}

/// The printed form of a report: one line per check, the fix indented under a failure.
enum DoctorOutput {
    static func mark(_ status: DoctorResult.Status) -> String {
        switch status {
        case .pass: "✓"
        case .fail: "✗"
        case .warn: "!"
        case .skip: "-"
        }
    }

    static func text(_ report: DoctorReport) -> String {
        let width = min(18, (report.checks.map(\.title.count).max() ?? 0) + 2)
        var lines: [String] = []
        for check in report.checks {
            let title = check.title.padding(toLength: max(width, check.title.count + 1), withPad: " ", startingAt: 0)
            lines.append("\(mark(check.status)) \(title)\(check.detail)")
            if let fix = check.fix, check.status == .fail || check.status == .warn {
                lines.append(String(repeating: " ", count: 2 + width) + "fix: " + fix)
            }
        }
        var summary = "\(report.count(.pass)) passed, \(report.count(.fail)) failed"
        if report.count(.warn) > 0 { summary += ", \(report.count(.warn)) to look at" }
        if report.count(.skip) > 0 { summary += ", \(report.count(.skip)) skipped" }
        lines.append("")
        lines.append(summary)
        return lines.joined(separator: "\n") + "\n"
    }
}
