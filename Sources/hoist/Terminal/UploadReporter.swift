import Foundation
import HoistCore

/// Renders engine events for a person or a program.
///
/// - `bar`: a progress bar redrawn in place on stderr (a terminal), messages above it;
/// - `plain`: one progress line every `plainInterval` seconds plus messages, on stderr (logs, CI);
/// - `json`: one JSON object per line on stdout, for programs (`JSONEvent` has the schema).
///
/// The engine hands events over on its own delivery thread (`EventRelay`), so a slow terminal or
/// a full pipe here delays only the output, never the parts; the lock keeps each rendering whole
/// against `finish`/`fail` called from the command.
final class UploadReporter: @unchecked Sendable {
    enum Mode { case bar, plain, json }

    let mode: Mode
    private let lock = NSLock()
    private let plainInterval: Double
    private let jsonInterval: Double = 1
    private var lastLine = Date.distantPast
    private var barShown = false

    init(mode: Mode, plainInterval: Double = 5) {
        self.mode = mode
        self.plainInterval = plainInterval
    }

    func handle(_ event: UploadEvent) {
        lock.withLock {
            switch mode {
            case .json: json(event)
            case .bar, .plain: text(event)
            }
        }
    }

    func finish(_ summary: UploadOutcome) {
        lock.withLock {
            clearBar()
            switch mode {
            case .json: StandardOutput.write(JSONEvent.summary(summary) + "\n")
            case .bar, .plain: StandardOutput.write(UploadMessages.summary(summary) + "\n")
            }
        }
    }

    func fail(_ message: String, category: String, exitCode: Int32) {
        lock.withLock {
            clearBar()
            if mode == .json { StandardOutput.write(JSONEvent.error(message, category: category, exitCode: exitCode) + "\n") }
            StandardError.write("hoist: \(message)\n")
        }
    }

    /// Removes the progress bar, for a caller that ends the run on purpose and says so itself.
    func clear() {
        lock.withLock { clearBar() }
    }

    // MARK: - Rendering (called with the lock held)

    private func json(_ event: UploadEvent) {
        if case .progress = event {
            guard Date().timeIntervalSince(lastLine) >= jsonInterval else { return }
            lastLine = Date()
        }
        if let line = JSONEvent.line(event) { StandardOutput.write(line + "\n") }
    }

    private func text(_ event: UploadEvent) {
        switch event {
        case .progress(let progress):
            if mode == .bar {
                StandardError.write("\r\u{1B}[2K" + ProgressBar.line(progress, width: Terminal.width(2)))
                barShown = true
            } else if Date().timeIntervalSince(lastLine) >= plainInterval {
                lastLine = Date()
                StandardError.write(UploadMessages.progressLine(progress) + "\n")
            }
        case .retrying(let notice) where mode == .bar || notice.waitsForNetwork:
            // The bar counts retries; a line per retry would scroll it away. A part waiting for
            // the network says nothing: the one "network down" line covers every part.
            _ = notice
        default:
            guard let message = UploadMessages.message(for: event) else { return }
            clearBar()
            StandardError.write(message + "\n")
        }
    }

    private func clearBar() {
        guard barShown else { return }
        StandardError.write("\r\u{1B}[2K")
        barShown = false
    }
}
