import Foundation
import NIOHTTP1

/// The ECS part of the admin endpoint, under `/_hoist/admin/ecs/`. It plays what the real
/// service does on its own schedule or per account: an import that fails, a RAM role that is
/// missing, an image someone deleted.
///
/// Routes:
/// - `GET ecs` → `{"settings":…, "counters":…, "images":[…]}`
/// - `GET ecs/settings` → `ECSEmulatorSettings`; `PUT` replaces them, `POST` changes only the
///   fields given, e.g. `{"importSeconds": 2, "failNextImports": 1}`
/// - `POST ecs/import-role/revoke` | `POST ecs/import-role/grant` → switch the RAM role off
///   (ImportImage answers 403 `NoSetRoletoECSServiceAcount`) or on again
/// - `GET ecs/images` → `[ECSImageSummary]`, newest first, cancelled ones included
/// - `POST ecs/images/<ImageId>/fail` with optional `{"code":"…","message":"…"}` (or `"reason"`)
///   → the running import ends in `CreateFailed`; 409 when it is no longer running
/// - `POST ecs/images/<ImageId>/finish` → the running import is `Available` now; 409 when it
///   is no longer running
/// - `DELETE ecs/images/<ImageId>` → the image is forgotten, its name free again
/// - `GET ecs/counters` → `ECSCounterSnapshot`; `POST ecs/counters/reset` or `DELETE` zeroes it
///
/// Example: `curl -X POST localhost:9000/_hoist/admin/ecs/images/m-abc/fail -d '{"reason":"disk unreadable"}'`
extension AdminService {
    func ecsRoute(_ method: HTTPMethod, _ route: [String], payload: [UInt8]) throws -> EmulatorResponse {
        if route.count == 3, route[0] == "images", route[2] == "fail", method == .POST {
            return try failImage(route[1], payload: payload)
        }
        if route.count == 3, route[0] == "images", route[2] == "finish", method == .POST {
            switch ecs.finishImage(route[1]) {
            case .done: return Self.json(["finished": route[1]])
            case .notFound: return Self.error(404, "no such image \(route[1])")
            case .notInProgress: return Self.error(409, "image \(route[1]) is no longer importing")
            }
        }
        if route.count == 2, route[0] == "images", method == .DELETE {
            guard ecs.deleteImage(route[1]) else { return Self.error(404, "no such image \(route[1])") }
            return Self.json(["deleted": route[1]])
        }
        switch (method, route.joined(separator: "/")) {
        case (.GET, ""):
            return Self.json(ECSAdminState(settings: ecs.settings, counters: ecs.counters(), images: ecs.images()))
        case (.GET, "settings"):
            return Self.json(ecs.settings)
        case (.PUT, "settings"):
            let settings = try JSONDecoder().decode(ECSEmulatorSettings.self, from: Data(payload))
            ecs.updateSettings { $0 = settings }
            return Self.json(ecs.settings)
        case (.POST, "settings"):
            // Decode once to report bad JSON, then merge into the live settings under the lock,
            // so a concurrent import consuming `failNextImports` is not overwritten.
            _ = try ECSEmulatorSettings.merging(json: Data(payload), into: ecs.settings)
            ecs.updateSettings { current in
                if let merged = try? ECSEmulatorSettings.merging(json: Data(payload), into: current) { current = merged }
            }
            return Self.json(ecs.settings)
        case (.POST, "import-role/revoke"):
            ecs.setImportRoleMissing(true)
            return Self.json(ecs.settings)
        case (.POST, "import-role/grant"):
            ecs.setImportRoleMissing(false)
            return Self.json(ecs.settings)
        case (.GET, "images"):
            return Self.json(ecs.images())
        case (.GET, "counters"):
            return Self.json(ecs.counters())
        case (.DELETE, "counters"), (.POST, "counters/reset"):
            ecs.resetCounters()
            return Self.json(ecs.counters())
        default:
            return Self.error(404, "unknown admin route \(method) /_hoist/admin/ecs/\(route.joined(separator: "/"))")
        }
    }

    private func failImage(_ imageId: String, payload: [UInt8]) throws -> EmulatorResponse {
        struct Reason: Decodable { var code: String?; var message: String?; var reason: String? }
        let reason = payload.isEmpty ? Reason() : try JSONDecoder().decode(Reason.self, from: Data(payload))
        switch ecs.failImage(imageId, code: reason.code, message: reason.message ?? reason.reason) {
        case .done: return Self.json(["failed": imageId])
        case .notFound: return Self.error(404, "no such image \(imageId)")
        case .notInProgress: return Self.error(409, "image \(imageId) is no longer importing")
        }
    }
}

/// `GET /_hoist/admin/counters`: the per-operation counters with the ECS ones under `ecs`.
struct AdminCounters: Encodable {
    var requests: CounterSnapshot
    var ecs: ECSCounterSnapshot

    private enum Key: String, CodingKey { case ecs }

    func encode(to encoder: any Encoder) throws {
        try requests.encode(to: encoder)
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(ecs, forKey: .ecs)
    }
}

struct ECSAdminState: Encodable {
    var settings: ECSEmulatorSettings
    var counters: ECSCounterSnapshot
    var images: [ECSImageSummary]
}
