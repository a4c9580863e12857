import Foundation
import HoistTestSupport
import HoistCore
import Testing
@testable import HoistAgent

/// `systemd/install.sh` run into a DESTDIR, and the example config read by every reader of the file.
@Suite struct InstallScriptTests {
    static let systemd = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("systemd").path

    func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try CapturedProcess.run("/bin/sh", [Self.systemd + "/install.sh"] + arguments)
    }

    func mode(_ path: String) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    @Test func installsEveryFileWithItsModeAndUninstallsThem() throws {
        let scratch = try ScratchDirectory()
        let binary = scratch.file("hoist-built")
        try Self.fakeBinary.write(toFile: binary, atomically: false, encoding: .utf8)
        #expect(chmod(binary, 0o755) == 0)
        let root = scratch.file("root")
        let installed = try run(["--destdir", root, "--prefix", "/opt/hoist", "--binary", binary])
        #expect(installed.status == 0, "\(installed.output)")
        let expected: [(String, Int, String)] = [
            ("/opt/hoist/bin/hoist", 0o755, "hoist-built"),
            ("/etc/systemd/system/hoist.service", 0o644, "hoist.service"),
            ("/usr/lib/sysusers.d/hoist.conf", 0o644, "hoist.sysusers"),
            ("/usr/lib/tmpfiles.d/hoist.conf", 0o644, "hoist.tmpfiles"),
            ("/etc/hoist/hoist.toml.example", 0o644, "hoist.toml.example"),
            ("/opt/hoist/share/man/man1/hoist.1", 0o644, "../docs/man/hoist.1"),
            ("/opt/hoist/share/bash-completion/completions/hoist", 0o644, ""),
            ("/opt/hoist/share/zsh/site-functions/_hoist", 0o644, ""),
            ("/opt/hoist/share/fish/vendor_completions.d/hoist.fish", 0o644, ""),
        ]
        for (path, wanted, _) in expected {
            #expect(FileManager.default.fileExists(atPath: root + path), "\(path) missing")
            #expect(try mode(root + path) == wanted, "\(path) mode")
        }
        #expect(FileManager.default.contents(atPath: root + "/opt/hoist/bin/hoist")
                == FileManager.default.contents(atPath: binary))
        #expect(FileManager.default.contents(atPath: root + "/usr/lib/sysusers.d/hoist.conf")
                == FileManager.default.contents(atPath: Self.systemd + "/hoist.sysusers"))
        #expect(FileManager.default.contents(atPath: root + "/opt/hoist/share/man/man1/hoist.1")
                == FileManager.default.contents(atPath: Self.systemd + "/../docs/man/hoist.1"))
        // Each shell's completions are what the installed binary wrote for that shell.
        for (path, shell) in [("bash-completion/completions/hoist", "bash"), ("zsh/site-functions/_hoist", "zsh"),
                              ("fish/vendor_completions.d/hoist.fish", "fish")] {
            let text = try String(contentsOfFile: root + "/opt/hoist/share/" + path, encoding: .utf8)
            #expect(text == "# \(shell) completion for hoist\n", "\(path)")
        }
        // The unit starts the binary where this prefix put it.
        let unit = try String(contentsOfFile: root + "/etc/systemd/system/hoist.service", encoding: .utf8)
        #expect(unit.contains("ExecStart=/opt/hoist/bin/hoist agent"))
        #expect(!unit.contains("/usr/local/bin/hoist"))

        // With no config yet, the example becomes it (so `sudoedit /etc/hoist/hoist.toml` opens
        // something to edit); the credentials folder is there, private, for LoadCredential=.
        #expect(FileManager.default.contents(atPath: root + "/etc/hoist/hoist.toml")
                == FileManager.default.contents(atPath: Self.systemd + "/hoist.toml.example"))
        #expect(try mode(root + "/etc/hoist/hoist.toml") == 0o644)
        #expect(try mode(root + "/etc/hoist/credentials") == 0o700)
        #expect(installed.output.contains("wrote") && installed.output.contains("hoist.toml from the example"), "\(installed.output)")

        // An existing config is the admin's: never overwritten, never removed.
        try "[oss]\n".write(toFile: root + "/etc/hoist/hoist.toml", atomically: false, encoding: .utf8)
        let again = try run(["--destdir", root, "--prefix", "/opt/hoist", "--binary", binary])
        #expect(again.status == 0 && again.output.contains("kept the existing"), "\(again.output)")
        #expect(try String(contentsOfFile: root + "/etc/hoist/hoist.toml", encoding: .utf8) == "[oss]\n")
        let removed = try run(["--destdir", root, "--prefix", "/opt/hoist", "--uninstall"])
        #expect(removed.status == 0, "\(removed.output)")
        for (path, _, _) in expected {
            #expect(!FileManager.default.fileExists(atPath: root + path), "\(path) left behind")
        }
        #expect(FileManager.default.fileExists(atPath: root + "/etc/hoist/hoist.toml"))
    }

    /// Stands in for the built binary: prints a marker for each shell's completion script.
    static let fakeBinary = """
        #!/bin/sh
        if [ "$1" = --generate-completion-script ]; then echo "# $2 completion for hoist"; exit 0; fi
        echo hoist

        """

    @Test func aBinaryThatCannotWriteCompletionsFailsTheInstall() throws {
        let scratch = try ScratchDirectory()
        let binary = scratch.file("hoist-old")
        try "#!/bin/sh\nexit 3\n".write(toFile: binary, atomically: false, encoding: .utf8)
        #expect(chmod(binary, 0o755) == 0)
        let result = try run(["--destdir", scratch.file("root"), "--binary", binary])
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("--generate-completion-script bash failed"), "\(result.output)")
        #expect(!FileManager.default.fileExists(atPath: scratch.file("root") + "/usr/local/share/bash-completion/completions/hoist"))
    }

    @Test func aMissingBinaryIsAClearError() throws {
        let scratch = try ScratchDirectory()
        let result = try run(["--destdir", scratch.path, "--binary", scratch.file("nothing")])
        #expect(result.status == 1)
        #expect(result.output.contains("no hoist binary"))
        #expect(try run(["--bogus"]).status == 2)
    }

    @Test func theExampleConfigIsReadByEveryReader() throws {
        let path = Self.systemd + "/hoist.toml.example"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let oss = try HoistConfig.parse(text, path: path)
        #expect(oss.bucket == "my-images")
        let agent = try AgentConfig.parse(text, path: path)
        #expect(agent.watch == ["/var/spool/hoist/incoming"])
        _ = try ImportConfig.parse(try TOMLDocument.parse(text), source: path)
        // Every [agent] key is documented, commented out or not.
        for key in AgentConfig.keys {
            #expect(text.contains("\n# \(key) = ") || text.contains("\n\(key) = "), "\(key) not in the example")
        }
        // Uncommenting every line still reads: the documented values are valid.
        let uncommented = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let body = line.dropFirst(2)
            if line.hasPrefix("# "), let first = body.first, first.isLetter, body.contains(" = ") { return String(body) }
            return String(line)
        }.joined(separator: "\n")
        let all = try AgentConfig.parse(uncommented, path: path)
        #expect(all.metricsAddress == "127.0.0.1:9464")
        #expect(try HoistConfig.parse(uncommented, path: path).partSize == 64 * 1024 * 1024)
        _ = try ImportConfig.parse(try TOMLDocument.parse(uncommented), source: path)
    }
}
