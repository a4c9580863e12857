import Foundation
import HoistCore

/// One line that shows an upload's progress on a terminal:
///
/// `[##########..........]  50.0%  1.2/2.5 GiB  112.3 MB/s  ETA 0:12  8 in flight  2 retries`
///
/// Pure formatting, so the layout is testable and the reporter only decides when to draw.
enum ProgressBar {
    static func line(_ progress: UploadProgress, width: Int) -> String {
        let percent = String(format: "%5.1f%%", progress.fraction * 100)
        let amounts = "\(ByteCount.approximate(progress.bytesDone))/\(ByteCount.approximate(progress.totalBytes))"
        var tail = "  \(percent)  \(amounts)  \(rate(progress.bytesPerSecond))  ETA \(eta(progress.secondsRemaining))"
        tail += "  \(progress.partsInFlight) in flight"
        if progress.retries > 0 { tail += "  \(progress.retries) \(progress.retries == 1 ? "retry" : "retries")" }
        let barWidth = max(10, min(40, width - tail.count - 3))
        let filled = Int((progress.fraction * Double(barWidth)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: barWidth - filled)
        let line = "[\(bar)]\(tail)"
        return line.count >= width ? String(line.prefix(max(width - 1, 1))) : line
    }

    /// Decimal megabytes per second, as network rates are usually quoted.
    static func rate(_ bytesPerSecond: Double) -> String {
        String(format: "%.1f MB/s", bytesPerSecond / 1_000_000)
    }

    static func eta(_ seconds: Double?) -> String {
        guard let seconds, seconds.isFinite, seconds < 360_000 else { return "--:--" }
        return clock(seconds)
    }

    /// `0:42`, `12:03`, `1:02:03`.
    static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        let (hours, minutes, secs) = (total / 3600, (total % 3600) / 60, total % 60)
        return hours > 0 ? String(format: "%d:%02d:%02d", hours, minutes, secs)
            : String(format: "%d:%02d", minutes, secs)
    }
}
