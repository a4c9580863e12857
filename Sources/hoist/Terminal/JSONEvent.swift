import Foundation
import HoistCore

/// `hoist upload --json`: one JSON object per line on stdout. Every object has `event`; CRC-64
/// values are decimal strings, because they exceed the integers JSON parsers keep exactly.
///
/// Events: `started`, `source_changed`, `upload_expired`, `parts_missing`, `parts_changed_locally`,
/// `initiated`, `part_done`, `retry`, `network_down`, `network_back`, `clock_corrected`, `progress`,
/// `completing`, `completion_recovered`, `verified`, `already_uploaded`, and last either `summary` or `error`.
enum JSONEvent {
    static func line(_ event: UploadEvent) -> String? {
        switch event {
        case .started(let s):
            return encode(["event": "started", "job": s.jobId, "upload_id": s.uploadId as Any, "bucket": s.location.bucket,
                           "key": s.location.key, "total_bytes": s.totalBytes, "part_size": s.partSize,
                           "parts": s.partCount, "safe_parts": s.safeParts, "safe_bytes": s.safeBytes,
                           "resumed": s.resumed])
        case .sourceChanged(let reason):
            return encode(["event": "source_changed", "reason": reason])
        case .uploadExpired(let id):
            return encode(["event": "upload_expired", "upload_id": id])
        case .partsMissingOnServer(let parts):
            return encode(["event": "parts_missing", "parts": parts])
        case .partsChangedLocally(let parts):
            return encode(["event": "parts_changed_locally", "parts": parts])
        case .initiated(let id):
            return encode(["event": "initiated", "upload_id": id])
        case .adoptedUpload(let id, let kept):
            return encode(["event": "adopted_upload", "upload_id": id, "parts_kept": kept])
        case .partDone(let number, let bytes):
            return encode(["event": "part_done", "part": number, "bytes": bytes])
        case .retrying(let n):
            return encode(["event": "retry", "operation": n.operation, "attempt": n.attempt, "delay_seconds": n.delay,
                           "reason": n.reason, "waits_for_network": n.waitsForNetwork])
        case .networkDown:
            return encode(["event": "network_down"])
        case .networkBack(let seconds):
            return encode(["event": "network_back", "after_seconds": (seconds * 10).rounded() / 10])
        case .clockCorrected(let offset):
            return encode(["event": "clock_corrected", "offset_seconds": offset])
        case .progress(let p):
            return encode(["event": "progress", "bytes_done": p.bytesDone, "total_bytes": p.totalBytes,
                           "bytes_sent": p.bytesSent, "parts_done": p.partsDone, "parts": p.partCount,
                           "in_flight": p.partsInFlight, "in_flight_limit": p.partsAllowed as Any, "retries": p.retries,
                           "bytes_per_second": p.bytesPerSecond.rounded(),
                           "elapsed_seconds": (p.elapsed * 10).rounded() / 10,
                           "eta_seconds": p.secondsRemaining.map { $0.rounded() } as Any])
        case .completing:
            return encode(["event": "completing"])
        case .completionRecovered:
            return encode(["event": "completion_recovered"])
        case .verified(let crc):
            return encode(["event": "verified", "crc64": String(crc)])
        case .alreadyUploaded(let crc):
            return encode(["event": "already_uploaded", "crc64": crc.map(String.init) as Any])
        case let .abortedUpload(id, confirmed, reason):
            return encode(["event": "aborted_upload", "upload_id": id, "confirmed": confirmed, "reason": reason as Any])
        }
    }

    static func summary(_ s: UploadOutcome) -> String {
        encode(["event": "summary", "job": s.jobId, "bucket": s.location.bucket, "key": s.location.key,
                "upload_id": s.uploadId as Any, "total_bytes": s.totalBytes, "part_size": s.partSize,
                "parts": s.partCount, "parts_already_safe": s.partsAlreadySafe, "parts_sent": s.partsSent,
                "bytes_sent": s.bytesSent, "bytes_resent": s.bytesResent, "retries": s.retries,
                "crc64": s.crc64.map(String.init) as Any, "duration_seconds": (s.duration * 1000).rounded() / 1000,
                "bytes_per_second": s.bytesPerSecond.rounded(), "already_uploaded": s.alreadyUploaded])
    }

    static func error(_ message: String, category: String, exitCode: Int32) -> String {
        encode(["event": "error", "message": message, "category": category, "exit_code": Int(exitCode)])
    }

    /// Serialises with sorted keys; `nil` optionals (passed as `Any`) become JSON `null`.
    static func encode(_ object: [String: Any]) -> String {
        var clean: [String: Any] = [:]
        for (key, value) in object {
            if case Optional<Any>.none = value as Any? { clean[key] = NSNull(); continue }
            let mirror = Mirror(reflecting: value)
            if mirror.displayStyle == .optional {
                clean[key] = mirror.children.first?.value ?? NSNull()
            } else {
                clean[key] = value
            }
        }
        guard let data = try? JSONSerialization.data(withJSONObject: clean, options: [.sortedKeys]),
              let text = String(data: data, encoding: .utf8) else { return "{\"event\":\"unencodable\"}" }
        return text
    }
}
