/// STUB: failures below HTTP, classified so retry logic can decide. The transport owner extends it.
public struct TransportError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable { case dns, connect, tls, timeout, stalled, reset, cancelled, other }
    public var kind: Kind
    public var message: String
    public var isRetryable: Bool { kind != .tls && kind != .cancelled }
    public init(kind: Kind, message: String) { self.kind = kind; self.message = message }
    public var description: String { "\(kind.rawValue): \(message)" }
}
