import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// What a `HoistRuntime` is built from: what the command line (or the agent's own config
/// handling) gave, and the process's environment. Nothing here is resolved yet; that is
/// `RuntimeSettings.load`, so the precedence rule (flag > environment > config file >
/// default) is applied in one place for every command and the agent.
public struct RuntimeOptions: Sendable {
    /// `--config`; nil: `HoistConfig.defaultPath`, which may be missing.
    public var configPath: String?
    /// Settings given as flags; nil fields were not given. The same type as the config file's
    /// settings, so a flag and its config key can never drift apart.
    public var flags: HoistConfig
    /// `--ecs-endpoint`.
    public var ecsEndpoint: String?
    public var environment: [String: String]
    /// Credentials given directly (the demo, tests); nil: the credential chain (environment,
    /// then systemd credentials), read on first use.
    public var credentials: Credentials?
    /// The process's view of the network, shared by every job of the runtime.
    public var health: NetworkHealth
    /// Whose default state directory to use (root: `/var/lib/hoist`).
    public var effectiveUserID: UInt32

    public init(configPath: String? = nil, flags: HoistConfig = HoistConfig(), ecsEndpoint: String? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment, credentials: Credentials? = nil,
                health: NetworkHealth = .shared, effectiveUserID: UInt32 = geteuid()) {
        self.configPath = configPath
        self.flags = flags
        self.ecsEndpoint = ecsEndpoint
        self.environment = environment
        self.credentials = credentials
        self.health = health
        self.effectiveUserID = effectiveUserID
    }
}
