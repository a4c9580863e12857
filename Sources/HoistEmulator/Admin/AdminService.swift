import Foundation
import NIOCore
import NIOHTTP1

/// The admin endpoint, on the emulator's own port under `/_hoist/admin/`. JSON in and out, no
/// authentication, never subject to faults and never counted.
///
/// Routes:
/// - `GET /_hoist/admin/health` → `{"status":"ok"}`
/// - `GET /_hoist/admin/faults` → the current `FaultSettings`
/// - `PUT /_hoist/admin/faults` → replace all faults with the JSON body (every field optional)
/// - `POST /_hoist/admin/faults` → add to the faults: `errors`/`latency`/`resets` are appended,
///   `bandwidth`, `clockSkewSeconds` and `networkDown` replaced when present
///   (`{"networkDown":true}` pulls the network, `{"networkDown":false}` restores it)
/// - `DELETE /_hoist/admin/faults` → remove every fault
/// - `GET /_hoist/admin/counters` → `CounterSnapshot`; `DELETE` or `POST .../counters/reset` zeroes it
/// - `GET /_hoist/admin/uploads` → open uploads with their parts (`[UploadSummary]`)
/// - `POST /_hoist/admin/uploads/<uploadId>/expire` → the upload vanishes (`NoSuchUpload` after)
/// - `POST /_hoist/admin/uploads/<uploadId>/delete-parts` with optional `{"parts":[1,3]}` →
///   drops those stored parts (all when no body)
/// - `/_hoist/admin/ecs/...` → the emulated ECS (settings, images, RAM role, failures, counters);
///   see `AdminService+ECS.swift`
/// - `/_hoist/admin/sts/...` → the emulated STS (credential lifetime, temporary credentials);
///   see `AdminService+STS.swift`
///
/// Example: `curl -X POST localhost:9000/_hoist/admin/faults -d '{"errors":[{"operation":"UploadPart","rate":0.1}]}'`
struct AdminService: EmulatorService {
    static let prefix = "/_hoist/admin/"

    let faults: FaultInjector
    let counters: EmulatorCounters
    let uploads: UploadControl
    let ecs: ECSControl
    let sts: STSControl

    var isSubjectToFaults: Bool { false }

    func claims(_ request: EmulatorRequest) -> Bool { request.rawPath.hasPrefix(Self.prefix) }

    func operation(of request: EmulatorRequest) -> String { "Admin" }

    func injectedFailure(_ fault: ErrorFault, request: EmulatorRequest, now: Date) -> EmulatorResponse {
        Self.error(500, "faults do not apply to the admin endpoint")
    }

    func respond(to request: EmulatorRequest, body: RequestBody, now: Date) async throws -> EmulatorResponse {
        let route = request.path.dropFirst(Self.prefix.count).split(separator: "/").map(String.init)
        var payload = [UInt8]()
        while let chunk = try await body.next() {
            payload += chunk.readableBytesView
            if payload.count > 1 << 20 { return Self.error(413, "admin bodies are limited to 1 MiB") }
        }
        do {
            if route.count == 3, route[0] == "uploads", request.method == .POST {
                return try await uploadAction(id: route[1], action: route[2], payload: payload)
            }
            if route.first == "ecs" {
                return try ecsRoute(request.method, Array(route.dropFirst()), payload: payload)
            }
            if route.first == "sts" {
                return try stsRoute(request.method, Array(route.dropFirst()), payload: payload, now: now)
            }
            switch (request.method, route.joined(separator: "/")) {
            case (.GET, "health"):
                return Self.json(["status": "ok"])
            case (.GET, "faults"):
                return Self.json(faults.settings)
            case (.PUT, "faults"):
                faults.replace(try JSONDecoder().decode(FaultSettings.self, from: Data(payload)))
                return Self.json(faults.settings)
            case (.POST, "faults"):
                try merge(payload)
                return Self.json(faults.settings)
            case (.DELETE, "faults"):
                faults.clear()
                return Self.json(faults.settings)
            case (.GET, "counters"):
                return Self.json(AdminCounters(requests: counters.snapshot(), ecs: ecs.counters()))
            case (.DELETE, "counters"), (.POST, "counters/reset"):
                counters.reset()
                ecs.resetCounters()
                return Self.json(AdminCounters(requests: counters.snapshot(), ecs: ecs.counters()))
            case (.GET, "uploads"):
                return Self.json(uploads.list())
            default:
                return Self.error(404, "unknown admin route \(request.method) \(request.path)")
            }
        } catch let error as DecodingError {
            return Self.error(400, "bad JSON: \(error)")
        }
    }

    private func uploadAction(id: String, action: String, payload: [UInt8]) async throws -> EmulatorResponse {
        switch action {
        case "expire":
            guard await uploads.expire(id) else { return Self.error(404, "no such upload \(id)") }
            return Self.json(["expired": id])
        case "delete-parts":
            struct Selection: Decodable { var parts: [Int]? }
            let selection = payload.isEmpty ? Selection(parts: nil) : try JSONDecoder().decode(Selection.self, from: Data(payload))
            guard let deleted = await uploads.deleteParts(id, parts: selection.parts) else { return Self.error(404, "no such upload \(id)") }
            return Self.json(["deleted": deleted])
        default:
            return Self.error(404, "unknown upload action \(action)")
        }
    }

    private func merge(_ payload: [UInt8]) throws {
        let addition = try JSONDecoder().decode(FaultSettings.self, from: Data(payload))
        let keys = (try? JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any]).map { Set($0.keys) } ?? []
        faults.update { s in
            s.errors += addition.errors
            s.latency += addition.latency
            s.resets += addition.resets
            s.strippedHeaders += addition.strippedHeaders
            if keys.contains("bandwidth") { s.bandwidth = addition.bandwidth }
            if keys.contains("clockSkewSeconds") { s.clockSkewSeconds = addition.clockSkewSeconds }
            if keys.contains("networkDown") { s.networkDown = addition.networkDown }
        }
    }

    static func json(_ value: some Encodable) -> EmulatorResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let text = (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return .text(.ok, text + "\n", contentType: "application/json")
    }

    static func error(_ status: Int, _ message: String) -> EmulatorResponse {
        var response = json(["error": message])
        response.status = HTTPResponseStatus(statusCode: status)
        return response
    }
}
