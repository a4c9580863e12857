import Foundation

/// The seam where request signatures are checked: one call per request head, before any body
/// byte is read (so a `100 Continue` is only sent to authenticated clients).
protocol OSSAuthenticator: Sendable {
    /// Nil when the request may proceed, otherwise the error to answer with.
    func authenticate(_ request: EmulatorRequest, address: OSSAddress, now: Date) -> OSSErrorReply?
}

/// Accepts every request: `--no-auth`, for benchmarks and quick curl sessions.
struct OpenAccess: OSSAuthenticator {
    func authenticate(_ request: EmulatorRequest, address: OSSAddress, now: Date) -> OSSErrorReply? { nil }
}
