import Foundation
import Synchronization

/// One progress line on standard error, rewritten in place while long work runs; silent when
/// standard error is not a terminal (logs, CI, pipes), so that output stays clean there.
final class TerminalProgress: Sendable {
    private let enabled = isatty(STDERR_FILENO) == 1
    private let lastWrite = Mutex<ContinuousClock.Instant?>(nil)
    private let started = ContinuousClock.now

    /// Shows `text` (at most ten times a second), with the time spent so far.
    func show(_ text: String) {
        guard enabled else { return }
        let now = ContinuousClock.now
        let due = lastWrite.withLock { last -> Bool in
            if let last, now - last < .milliseconds(100) { return false }
            last = now
            return true
        }
        guard due else { return }
        let seconds = Double((now - started).components.seconds) + Double((now - started).components.attoseconds) / 1e18
        FileHandle.standardError.write(Data("\r\u{1B}[2K\(text) (\(String(format: "%.0f", seconds)) s)".utf8))
    }

    /// Clears the line before the summary is printed.
    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }
}
