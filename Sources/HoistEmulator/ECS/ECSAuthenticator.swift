import Foundation
import HoistCore

/// One authenticated RPC call: the action and its flat parameters (query and form merged, the
/// query winning on a repeated name, as ECS reads them).
struct ECSCall: Sendable {
    var action: String
    var parameters: [String: String]

    func parameter(_ name: String) -> String? { parameters[name].flatMap { $0.isEmpty ? nil : $0 } }

    func required(_ name: String) throws(ECSError) -> String {
        guard let value = parameter(name) else { throw .missingParameter(name) }
        return value
    }
}

/// Checks ECS signatures (ACS3-HMAC-SHA256 and RPC v1 HMAC-SHA1) through HoistCore's
/// `ECSRequestVerifier`, against the same keyring OSS checks (temporary credentials included), so
/// one key pair drives a whole upload-and-import run. With authentication off it only extracts
/// the action.
struct ECSAuthenticator: Sendable {
    /// Nil accepts every request (`--no-auth`).
    let verifier: ECSRequestVerifier?

    init(keyring: EmulatorKeyring, enabled: Bool) {
        guard enabled else {
            verifier = nil
            return
        }
        // One nonce cache per server: a replayed request is refused on any connection.
        verifier = ECSRequestVerifier(nonces: ECSNonceCache()) { id in
            keyring.key(id).map {
                ECSAccessKeyRecord(secret: $0.secret, securityToken: $0.securityToken,
                                   tokenExpiration: $0.expiration?.timeIntervalSince1970)
            }
        }
    }

    func authenticate(_ request: ECSReceivedRequest, now: Date) throws(ECSError) -> ECSCall {
        if let verifier {
            let verified = try verifier.verify(request, now: now)
            return ECSCall(action: verified.action, parameters: verified.parameters)
        }
        var parameters: [String: String] = [:]
        for (name, value) in request.query + request.form where parameters[name] == nil { parameters[name] = value }
        let action = request.header("x-acs-action") ?? parameters["Action"] ?? ""
        guard !action.isEmpty else { throw .missingParameter("Action") }
        return ECSCall(action: action, parameters: parameters)
    }
}
