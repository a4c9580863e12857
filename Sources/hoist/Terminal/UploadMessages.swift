import Foundation
import HoistCore

/// The sentences `hoist upload` prints for a person.
enum UploadMessages {
    static func message(for event: UploadEvent) -> String? {
        switch event {
        case .started(let start):
            let size = ByteCount.approximate(start.totalBytes)
            let shape = start.partCount == 1 ? "1 part" : "\(start.partCount) parts of \(ByteCount.format(start.partSize))"
            if start.resumed {
                return "Resuming upload \(start.uploadId ?? "-") of \(size) to \(start.location): "
                    + "\(start.safeParts) of \(start.partCount) parts (\(ByteCount.approximate(start.safeBytes))) "
                    + "already safe in OSS"
            }
            return "Uploading \(size) to \(start.location) as \(shape) (job \(start.jobId))"
        case .sourceChanged(let reason):
            return "The source changed since the last run (\(reason)); the old upload was aborted, starting again"
        case .uploadExpired(let uploadId):
            return "Upload \(uploadId) no longer exists on the server (expired or aborted); starting a new upload"
        case .partsMissingOnServer(let parts):
            let shown = parts.prefix(10).map(String.init).joined(separator: ", ") + (parts.count > 10 ? ", …" : "")
            return "\(parts.count) journaled part(s) are not on the server as recorded and will be sent again: \(shown)"
        case .partsChangedLocally(let parts):
            let shown = parts.prefix(10).map(String.init).joined(separator: ", ") + (parts.count > 10 ? ", …" : "")
            return "\(parts.count) journaled part(s) differ from the file now and will be sent again: \(shown)"
        case .initiated(let uploadId):
            return "Started multipart upload \(uploadId)"
        case .adoptedUpload(let uploadId, let kept):
            return "Found open upload \(uploadId) for this object in OSS; kept \(kept) part(s) whose size and CRC-64 "
                + "match the file"
        case .partDone:
            return nil
        case .retrying(let notice):
            return "retry \(notice.attempt) of \(notice.operation) in \(String(format: "%.1f", notice.delay)) s: "
                + notice.reason
        case .networkDown:
            return "The network is down (OSS cannot be reached); waiting for it to come back"
        case .networkBack(let seconds):
            return "The network is back after \(String(format: "%.0f", seconds)) s; resuming"
        case .clockCorrected(let offset):
            return "The local clock is \(String(format: "%.0f", abs(offset))) s \(offset > 0 ? "behind" : "ahead of") "
                + "the server; signing with server time"
        case .progress:
            return nil
        case .completing:
            return "All parts sent; completing the upload"
        case .completionRecovered:
            return "An earlier CompleteMultipartUpload had succeeded (the object matches); not sending it again"
        case .verified(let crc):
            return "Verified: the object's CRC-64 \(crc) equals the parts' combined CRC-64"
        case .alreadyUploaded(let crc):
            return "Already uploaded and verified\(crc.map { " (CRC-64 \($0))" } ?? ""); nothing to do"
        case let .abortedUpload(id, confirmed, reason):
            return confirmed ? "Aborted multipart upload \(id) (OSS confirmed; its parts are deleted)"
                : "Multipart upload \(id) is not aborted yet (\(reason ?? "no answer")): its parts are billed until it is; "
                    + "the next run and `hoist uploads abort` try again"
        }
    }

    static func progressLine(_ progress: UploadProgress) -> String {
        String(format: "%5.1f%%", progress.fraction * 100)
            + "  \(ByteCount.approximate(progress.bytesDone)) of \(ByteCount.approximate(progress.totalBytes))"
            + "  \(ProgressBar.rate(progress.bytesPerSecond))  ETA \(ProgressBar.eta(progress.secondsRemaining))"
            + "  parts \(progress.partsDone)/\(progress.partCount), \(progress.partsInFlight) in flight"
            + "  retries \(progress.retries)"
    }

    static func summary(_ summary: UploadOutcome) -> String {
        if summary.alreadyUploaded {
            return "\(summary.location): already uploaded (\(ByteCount.approximate(summary.totalBytes)), "
                + "CRC-64 \(summary.crc64.map(String.init) ?? "unknown"))"
        }
        return "Uploaded \(summary.location): \(ByteCount.approximate(summary.totalBytes)) in "
            + "\(ProgressBar.clock(summary.duration)) (\(ProgressBar.rate(summary.bytesPerSecond))), "
            + "\(summary.partCount) \(summary.partCount == 1 ? "part" : "parts") (\(summary.partsAlreadySafe) already safe, \(summary.partsSent) sent), "
            + "\(ByteCount.approximate(summary.bytesSent)) sent, \(ByteCount.approximate(summary.bytesResent)) re-sent, "
            + "\(summary.retries) retries, CRC-64 \(summary.crc64.map(String.init) ?? "-")"
    }
}
