import Foundation
import NIOHTTP1

/// One emulated cloud service behind the shared HTTP server.
///
/// The server asks each registered service in turn whether it `claims` a request head, so several
/// APIs share one port the way tests want: the admin endpoint claims `/_hoist/admin/`, an ECS
/// service would claim requests carrying an `Action` query parameter or an `x-acs-action`
/// header, and OSS takes everything else. Counting, fault injection, request ids, `Date` and
/// body pacing happen in the connection layer, so a new service gets them for free.
protocol EmulatorService: Sendable {
    /// Whether this service handles the request. Must look at the head only.
    func claims(_ request: EmulatorRequest) -> Bool

    /// The API operation name used for counters and fault rules (e.g. `UploadPart`, `ImportImage`).
    func operation(of request: EmulatorRequest) -> String

    /// Whether injected faults and counters apply (false for the admin endpoint).
    var isSubjectToFaults: Bool { get }

    /// The response a fault rule forces, in this service's error format.
    func injectedFailure(_ fault: ErrorFault, request: EmulatorRequest, now: Date) -> EmulatorResponse

    /// Handles the request. Throwing tears the connection down (body errors, resets); protocol
    /// errors are responses. Reading `body` is optional; unread bytes are drained afterwards, or
    /// the connection is closed when the client still waits for `100 Continue`.
    func respond(to request: EmulatorRequest, body: RequestBody, now: Date) async throws -> EmulatorResponse
}

extension EmulatorService {
    var isSubjectToFaults: Bool { true }
}

/// Picks the service for a request: the first one that claims it, in registration order.
struct ServiceRouter: Sendable {
    var services: [any EmulatorService]

    func service(for request: EmulatorRequest) -> (any EmulatorService)? {
        services.first { $0.claims(request) }
    }
}
