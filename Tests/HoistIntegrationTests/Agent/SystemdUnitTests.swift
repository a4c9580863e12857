import Foundation
import HoistTestSupport
import Testing

/// The shipped unit files, checked offline the way systemd itself reads them (there is no systemd
/// as PID 1 here, so `systemd-analyze` in its offline modes is the judge).
@Suite struct SystemdUnitTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let analyzer = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// The unit with `ExecStart=` pointing at the built binary, since `verify` checks that the
    /// command exists and the unit names its installed path.
    func unitForVerification() throws -> (directory: String, unit: String) {
        let binary = try #require(HoistBinary.path, "the hoist binary was not built")
        let text = try String(contentsOf: Self.repository.appendingPathComponent("systemd/hoist.service"), encoding: .utf8)
        let directory = NSTemporaryDirectory() + "hoist-unit-" + UUID().uuidString.prefix(8).lowercased()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let unit = directory + "/hoist.service"
        try text.replacingOccurrences(of: "/usr/local/bin/hoist", with: binary)
            .write(toFile: unit, atomically: true, encoding: .utf8)
        return (directory, unit)
    }

    func analyze(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try CapturedProcess.run(try #require(Self.analyzer), arguments)
    }

    @Test(.enabled(if: analyzer != nil, "systemd-analyze is not installed"))
    func theUnitVerifies() throws {
        let (directory, unit) = try unitForVerification()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try analyze(["verify", unit])
        #expect(result.status == 0, "systemd-analyze verify: \(result.output)")
    }

    @Test(.enabled(if: analyzer != nil, "systemd-analyze is not installed"))
    func theUnitsExposureIsAtMostTwo() throws {
        let (directory, unit) = try unitForVerification()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try analyze(["security", "--offline=true", unit])
        let line = try #require(result.output.split(separator: "\n").first { $0.contains("Overall exposure level") },
                                "no exposure line in: \(result.output)")
        // "→ Overall exposure level for hoist.service: 1.4 OK 🙂"
        let number = line.split(separator: ":").last?.split(separator: " ").first.flatMap { Double($0) }
        let exposure = try #require(number, "cannot read the exposure from: \(line)")
        #expect(exposure <= 2.0, "\(line)")
        for required in ["Type=notify", "NotifyAccess=main", "WatchdogSec=", "Restart=on-failure", "StateDirectory=hoist",
                         "LoadCredential=", "CapabilityBoundingSet=\n", "SystemCallFilter=@system-service",
                         "ProtectSystem=strict", "RestrictAddressFamilies="] {
            #expect(try String(contentsOfFile: unit, encoding: .utf8).contains(required), "the unit lacks \(required)")
        }
    }
}
