import Foundation

/// The emulated STS as tests and the admin endpoint drive it: the keyring every service checks
/// and how long issued credentials last. `EmulatorServer.sts` in-process; `/_hoist/admin/sts`
/// over HTTP.
public final class STSControl: Sendable {
    public let keyring: EmulatorKeyring
    private let state: Locked<STSEmulatorSettings>

    init(keyring: EmulatorKeyring, settings: STSEmulatorSettings) {
        self.keyring = keyring
        self.state = Locked(settings)
    }

    public var settings: STSEmulatorSettings { state.current }

    public func update(_ body: (inout STSEmulatorSettings) -> Void) { state.withLock { body(&$0) } }
}
