/// Why a `HoistRuntime` (or one of the clients it builds) could not be set up. Each case says
/// what to change; `isUsage` separates a mistake in flags, environment or config (the user
/// fixes the command) from a host problem (the user fixes the machine).
public enum HoistRuntimeError: Error, Sendable, CustomStringConvertible {
    /// The config file, a setting, or the combination of settings is wrong. The message names
    /// the file or setting and what it should be.
    case configuration(String)
    /// No usable credentials anywhere in the chain (`CredentialChain`), or a source is broken.
    case credentials(CredentialError)
    /// The state directory cannot be chosen or created.
    case stateDirectory(StateDirectoryError)
    /// The journal in the state directory cannot be opened.
    case journal(path: String, reason: String)
    /// The HTTP transport (libcurl) could not start.
    case transport(TransportError)

    public var description: String {
        switch self {
        case let .configuration(message):
            message
        case let .credentials(error):
            error.description
        case let .stateDirectory(error):
            error.description
        case let .journal(path, reason):
            "cannot open the journal \(path): \(reason); check that the state directory is writable by this user "
                + "(--state-dir, HOIST_STATE_DIRECTORY or [state] directory chooses another)"
        case let .transport(error):
            "cannot start the HTTP transport: \(error)"
        }
    }

    /// A mistake in what the user gave (flags, environment, config), as opposed to the host.
    public var isUsage: Bool {
        switch self {
        case .configuration, .credentials: true
        case .stateDirectory, .journal, .transport: false
        }
    }
}
