import Foundation
import HoistCore
import NIOHTTP1

/// The STS part of the admin endpoint, under `/_hoist/admin/sts/`. No secret is ever echoed.
///
/// Routes:
/// - `GET sts` → `{"settings": STSEmulatorSettings, "issued": [IssuedCredential]}`
/// - `POST sts/settings` with `{"lifetimeSeconds": 5}` (or `null` to honour `DurationSeconds`)
/// - `POST sts/credentials` with `{"accessKeyId", "accessKeySecret", "securityToken",
///   "expiresInSeconds"}` (or `"expiration": "2030-01-01T00:00:00Z"`) → the keyring accepts them
///   until then, on OSS, ECS and STS alike
/// - `POST sts/credentials/<AccessKeyId>/expire` → refused as expired from now on
///
/// Example: `curl -X POST localhost:9000/_hoist/admin/sts/credentials -d '{"accessKeyId":"STS.a","accessKeySecret":"s","securityToken":"t","expiresInSeconds":60}'`
extension AdminService {
    func stsRoute(_ method: HTTPMethod, _ route: [String], payload: [UInt8], now: Date) throws -> EmulatorResponse {
        if route.count == 3, route[0] == "credentials", route[2] == "expire", method == .POST {
            guard sts.keyring.expire(route[1], at: now) else { return Self.error(404, "no such access key \(route[1])") }
            return Self.json(["expired": route[1]])
        }
        switch (method, route.joined(separator: "/")) {
        case (.GET, ""):
            return Self.json(STSAdminState(settings: sts.settings, issued: sts.keyring.issued()))
        case (.POST, "settings"):
            let settings = try JSONDecoder().decode(STSEmulatorSettings.self, from: Data(payload))
            sts.update { $0 = settings }
            return Self.json(sts.settings)
        case (.POST, "credentials"):
            let added = try JSONDecoder().decode(AddedCredential.self, from: Data(payload))
            var expiration: Date?
            if let text = added.expiration {
                guard let date = ECSTimestamp.parse(text) else { return Self.error(400, "expiration must be yyyy-MM-ddTHH:mm:ssZ") }
                expiration = date
            } else if let seconds = added.expiresInSeconds {
                expiration = now.addingTimeInterval(seconds)
            }
            sts.keyring.add(OSSAccessKey(id: added.accessKeyId, secret: added.accessKeySecret,
                                         securityToken: added.securityToken, expiration: expiration))
            return Self.json(["added": added.accessKeyId])
        default:
            return Self.error(404, "unknown admin route \(method) sts/\(route.joined(separator: "/"))")
        }
    }
}

struct STSAdminState: Encodable {
    var settings: STSEmulatorSettings
    var issued: [IssuedCredential]
}

private struct AddedCredential: Decodable {
    var accessKeyId: String
    var accessKeySecret: String
    var securityToken: String?
    var expiresInSeconds: Double?
    var expiration: String?
}
