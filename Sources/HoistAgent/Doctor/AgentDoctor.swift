import Foundation
import HoistCore
#if canImport(Glibc)
import Glibc
#endif

/// The agent's part of `hoist doctor`: its settings resolve, its watch folders exist and the
/// agent's user may write them, inotify allows enough watches, the systemd unit is installed
/// and running. They run only when the agent is configured (an `[agent]` table in the config,
/// `--watch`, or `HOIST_WATCH`); otherwise one skipped line says so, and nothing fails.
public struct AgentDoctor: Sendable {
    /// Where the host's answers come from; tests point these at scratch files.
    public struct Host: Sendable {
        /// Where the unit may be installed, in systemd's order of precedence.
        public var unitPaths: [String]
        /// Exists when systemd is the running init (`sd_booted(3)`).
        public var systemdRuntimeDirectory: String
        public var maxUserWatchesPath: String
        public var systemctl: String
        /// The user the check runs as.
        public var effectiveUserID: uid_t

        public init(unitPaths: [String] = ["/etc/systemd/system/hoist.service", "/usr/lib/systemd/system/hoist.service",
                                           "/lib/systemd/system/hoist.service"],
                    systemdRuntimeDirectory: String = "/run/systemd/system",
                    maxUserWatchesPath: String = "/proc/sys/fs/inotify/max_user_watches",
                    systemctl: String = "/usr/bin/systemctl", effectiveUserID: uid_t = geteuid()) {
            self.unitPaths = unitPaths
            self.systemdRuntimeDirectory = systemdRuntimeDirectory
            self.maxUserWatchesPath = maxUserWatchesPath
            self.systemctl = systemctl
            self.effectiveUserID = effectiveUserID
        }
    }

    public var configPath: String?
    /// `--watch` folders given to doctor.
    public var watch: [String]
    public var environment: [String: String]
    public var timeout: Double
    public var host: Host

    /// Below this many inotify watches per user, other programs of the same user (editors,
    /// file sync) can use them all up.
    static let comfortableWatches = 8192

    public init(configPath: String?, watch: [String], environment: [String: String],
                timeout: Double = Doctor.defaultTimeout, host: Host = Host()) {
        self.configPath = configPath
        self.watch = watch
        self.environment = environment
        self.timeout = timeout
        self.host = host
    }

    public func run() async -> [DoctorResult] {
        let shownPath = configPath ?? HoistConfig.defaultPath
        let file: AgentConfig
        let hasTable: Bool
        do {
            file = try AgentConfig.load(path: configPath)
            hasTable = try Self.hasAgentTable(configPath)
        } catch {
            return [.skip("agent", "agent", "needs a config file that parses")]
        }
        let fromEnvironment = !(environment[AgentSettings.Variable.watch] ?? "").isEmpty
        guard hasTable || !watch.isEmpty || fromEnvironment else {
            return [.skip("agent", "agent", "not configured (no [agent] table in \(shownPath), no --watch, no "
                          + "\(AgentSettings.Variable.watch)): agent checks skipped")]
        }
        let settings: AgentSettings
        do {
            settings = try AgentSettings.resolve(flags: AgentConfig(watch: watch.isEmpty ? nil : watch),
                                                 environment: environment, file: file)
        } catch {
            return [.fail("agent.settings", "agent settings", String(describing: error),
                          fix: "correct the setting named (see hoist.toml.example's [agent] table)")]
        }
        let unit = installedUnit()
        return [watchFolders(settings, unit: unit), inotify(settings), unitResult(unit), credentialFiles(unit),
                lockFolder(), await service(unit: unit)]
    }

    /// Whether the config file has an `[agent]` table (even an empty one).
    static func hasAgentTable(_ path: String?) throws -> Bool {
        guard let file = try HoistConfig.readText(path: path) else { return false }
        return try TOMLDocument.parse(file.text).lines[AgentConfig.table] != nil
    }

    // MARK: - Watch folders

    func watchFolders(_ settings: AgentSettings, unit: InstalledUnit?) -> DoctorResult {
        let agentUser = unit?.user.flatMap(AgentUser.named) ?? AgentUser(uid: host.effectiveUserID)
        var problems: [String] = []
        for folder in settings.watch {
            var info = stat()
            guard stat(folder, &info) == 0, info.st_mode & mode_t(S_IFMT) == mode_t(S_IFDIR) else {
                problems.append("\(folder) does not exist")
                continue
            }
            if !agentUser.mayWrite(info) { problems.append("\(folder) is not writable by \(agentUser.name)") }
            for filed in [settings.doneDirectory(forWatch: folder), settings.failedDirectory(forWatch: folder)] {
                var sub = stat()
                if stat(filed, &sub) == 0, !agentUser.mayWrite(sub) {
                    problems.append("\(filed) is not writable by \(agentUser.name)")
                }
            }
        }
        let list = settings.watch.joined(separator: ", ")
        guard problems.isEmpty else {
            return .fail("agent.watch", "watch folders", problems.joined(separator: "; "),
                         fix: "create the folders and give them to the agent's user, as systemd/hoist.tmpfiles does: "
                             + "sudo install -d -m 2770 -o \(agentUser.name) FOLDER (or systemd-tmpfiles --create)")
        }
        return .pass("agent.watch", "watch folders", "\(list): writable by \(agentUser.name)")
    }

    // MARK: - inotify

    func inotify(_ settings: AgentSettings) -> DoctorResult {
        guard let text = try? String(contentsOfFile: host.maxUserWatchesPath, encoding: .utf8),
              let limit = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            return .skip("agent.inotify", "inotify", "\(host.maxUserWatchesPath) is not readable (not Linux?)")
        }
        let fix = "raise it: echo fs.inotify.max_user_watches=65536 | sudo tee /etc/sysctl.d/90-hoist.conf && sudo sysctl --system"
        if limit < settings.watch.count {
            return .fail("agent.inotify", "inotify", "fs.inotify.max_user_watches is \(limit), fewer than the "
                         + "\(settings.watch.count) watch folders", fix: fix)
        }
        if limit < Self.comfortableWatches {
            return .warn("agent.inotify", "inotify", "fs.inotify.max_user_watches is \(limit); other programs of the same "
                         + "user share it", fix: fix)
        }
        return .pass("agent.inotify", "inotify", "fs.inotify.max_user_watches is \(limit)")
    }

    // MARK: - systemd

    struct InstalledUnit: Sendable {
        var path: String
        /// The unit's `User=`, when it names one.
        var user: String?
        /// The files its `LoadCredential=ID:PATH` lines read, by id.
        var credentials: [(id: String, path: String)] = []
    }

    func installedUnit() -> InstalledUnit? {
        for path in host.unitPaths {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
            let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            let user = lines.first { $0.hasPrefix("User=") }.map { String($0.dropFirst("User=".count)) }
            let credentials = lines.filter { $0.hasPrefix("LoadCredential=") }.compactMap { line -> (String, String)? in
                let spec = line.dropFirst("LoadCredential=".count)
                guard let colon = spec.firstIndex(of: ":") else { return nil }
                return (String(spec[..<colon]), String(spec[spec.index(after: colon)...]))
            }
            return InstalledUnit(path: path, user: user, credentials: credentials)
        }
        return nil
    }

    /// The files the unit's `LoadCredential=` lines read: a missing one stops the unit from
    /// starting, an empty one gives the agent no key, a group- or world-readable one leaks it.
    func credentialFiles(_ unit: InstalledUnit?) -> DoctorResult {
        guard let unit, !unit.credentials.isEmpty else {
            return .skip("agent.credentials", "unit credentials", "the unit loads no credential files (a RAM role, or none installed)")
        }
        for (id, path) in unit.credentials {
            var info = stat()
            let write = "install -m 0600 /dev/stdin \(path)   (paste the value, then Ctrl-D)"
            guard stat(path, &info) == 0 else {
                return .fail("agent.credentials", "unit credentials", "\(path) (LoadCredential=\(id)) does not exist: the unit will not start",
                             fix: "\(write); on an ECS instance with a RAM role, delete the unit's LoadCredential= lines instead")
            }
            guard info.st_size > 0 else {
                return .fail("agent.credentials", "unit credentials", "\(path) (LoadCredential=\(id)) is empty", fix: write)
            }
            if info.st_mode & 0o077 != 0 {
                return .warn("agent.credentials", "unit credentials", "\(path) is readable by others (mode "
                             + String(info.st_mode & 0o777, radix: 8) + ")", fix: "chmod 0600 \(path)")
            }
        }
        return .pass("agent.credentials", "unit credentials",
                     unit.credentials.map { "\($0.path) (\($0.id))" }.joined(separator: ", ") + ": present, private")
    }

    /// The host-wide lock folder every hoist shares (`LockDirectory`).
    func lockFolder() -> DoctorResult {
        let folder = LockDirectory.resolve(environment: environment).path
        var info = stat()
        guard stat(folder, &info) == 0 else {
            return .warn("agent.locks", "lock folder", "\(folder) does not exist yet; hoist creates it, unless /run is read-only for the "
                         + "agent (the unit's ProtectSystem=strict)", fix: "systemd-tmpfiles --create (hoist.tmpfiles makes it at boot)")
        }
        guard info.st_mode & 0o1777 == 0o1777 else {
            return .warn("agent.locks", "lock folder", "\(folder) is mode " + String(info.st_mode & 0o7777, radix: 8)
                         + ": another user's hoist cannot lock an object there", fix: "chmod 1777 \(folder)")
        }
        return .pass("agent.locks", "lock folder", "\(folder), shared by every hoist on the host (mode 1777)")
    }

    func unitResult(_ unit: InstalledUnit?) -> DoctorResult {
        guard let unit else {
            return .warn("agent.unit", "systemd unit", "hoist.service is not installed (looked in "
                         + host.unitPaths.joined(separator: ", ") + ")",
                         fix: "install it with systemd/install.sh, or run hoist agent under another supervisor")
        }
        return .pass("agent.unit", "systemd unit", unit.path + (unit.user.map { " (User=\($0))" } ?? ""))
    }

    func service(unit: InstalledUnit?) async -> DoctorResult {
        guard FileManager.default.fileExists(atPath: host.systemdRuntimeDirectory) else {
            return .skip("agent.service", "agent service", "systemd not running")
        }
        guard unit != nil else { return .skip("agent.service", "agent service", "needs the unit installed") }
        let systemctl = host.systemctl
        let check = DoctorCheck(id: "agent.service", title: "agent service", timeout: timeout,
                                timeoutFix: "systemctl did not answer; check systemd with systemctl status")
        return await check.run {
            let state = await Self.output(of: systemctl, ["is-active", "hoist.service"])
            if state == "active" { return .pass("agent.service", "agent service", "hoist.service is active") }
            return .fail("agent.service", "agent service", "hoist.service is \(state.isEmpty ? "not active" : state)",
                         fix: "sudo systemctl enable --now hoist (journalctl -u hoist says why it stopped)")
        }
    }

    /// The first line a command prints; empty when it cannot run.
    static func output(of executable: String, _ arguments: [String]) async -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        return await withCheckedContinuation { continuation in
            process.terminationHandler = { _ in
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                let text = String(decoding: data, as: UTF8.self)
                continuation.resume(returning: text.split(separator: "\n").first.map(String.init) ?? "")
            }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(returning: "")
            }
        }
    }
}
