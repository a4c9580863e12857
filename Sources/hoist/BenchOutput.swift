import Foundation
import HoistCore

/// How `hoist bench` prints its report: aligned lines for a person, or one JSON document with
/// the same fields.
enum BenchOutput {
    static func text(_ report: BenchReport) -> String {
        let inFlight = report.tuning.map { "\(report.partsInFlight) (auto, \($0.rawValue))" }
            ?? "\(report.partsInFlight) (--parallel)"
        let cap = report.bandwidthCap.map { ProgressBar.rate(Double($0)) } ?? "unlimited"
        return """
        rate            \(ProgressBar.rate(report.bytesPerSecond))
        sent            \(ByteCount.format(report.bytes)) (\(report.bytes) bytes) in \(String(format: "%.1f", report.seconds)) s, \
        \(report.parts) parts of \(ByteCount.format(report.partSize))
        parts in flight \(inFlight)
        CPU             \(String(format: "%.2f", report.cpuSecondsPerGiB)) CPU-s per GiB (\(String(format: "%.2f", report.cpuSeconds)) s on \(report.cores) cores)
        retries         \(report.retries)\(report.throttledRetries > 0 ? " (\(report.throttledRetries) throttled)" : "")
        bandwidth cap   \(cap)
        cleanup         upload \(report.uploadId) \(report.cleanup.aborted ? "aborted, nothing left in the bucket" : "NOT aborted")
        advice          \(report.adviceText)

        """
    }

    static func json(_ report: BenchReport) -> String {
        JSONEvent.encode([
            "bucket": report.location.bucket, "key": report.location.key, "upload_id": report.uploadId,
            "mb_per_s": (report.megabytesPerSecond * 100).rounded() / 100, "bytes": report.bytes,
            "seconds": (report.seconds * 1000).rounded() / 1000, "parts": report.parts, "part_size": report.partSize,
            "parts_in_flight": report.partsInFlight, "parallel": report.tuning == nil ? "fixed" : "auto",
            "tuner": report.tuning?.rawValue as Any, "cpu_seconds": (report.cpuSeconds * 1000).rounded() / 1000,
            "cpu_seconds_per_gib": (report.cpuSecondsPerGiB * 1000).rounded() / 1000, "cores": report.cores,
            "retries": report.retries, "throttled_retries": report.throttledRetries,
            "bandwidth_cap": report.bandwidthCap as Any, "aborted": report.cleanup.aborted,
            "abort_error": report.cleanup.failure as Any, "advice": report.advice.rawValue, "advice_text": report.adviceText,
        ]) + "\n"
    }

    static func cleanupFailed(_ cleanup: BenchCleanup, reason: String) -> String {
        "hoist: OSS did not confirm the abort of upload \(cleanup.uploadId) (\(reason)); its parts are billed "
            + "until removed: \(cleanup.cleanupCommand)\n"
    }
}
