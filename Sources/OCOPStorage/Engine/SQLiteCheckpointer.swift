import Dispatch
import Foundation
import Logging
import Synchronization

/// Copies the write-ahead log into the database file from a connection and a thread of its own, so
/// that no write waits for it. Left to SQLite, the commit that finds the log past 1,000 pages does
/// the copy and its fsync inside the writer's lock, and every request queued behind it waits: on
/// this machine's disk that was most of the counter sales' p99 (docs/decisions.md). A PASSIVE
/// checkpoint neither waits for nor blocks writers; the next writer rewinds a fully copied log.
/// SQLite's own checkpoint stays on as a backstop, at a much larger log.
final class SQLiteCheckpointer: Sendable {
    /// The log size (pages) at which SQLite still checkpoints inside a commit, should this stall.
    static let backstopPages = 20_000
    private let handle: SQLiteHandle
    private let stopped = Atomic<Bool>(false)
    /// Signalled when the loop has ended, so the connection closes after the last checkpoint.
    private let ended = DispatchSemaphore(value: 0)

    init(path: String, every interval: Duration, logger: Logger) throws {
        handle = try SQLiteHandle(path: path)
        let microseconds = UInt32(clamping: interval.components.seconds * 1_000_000 + interval.components.attoseconds / 1_000_000_000_000)
        // A thread of its own: the checkpoint's fsync blocks, and must not hold a pool thread.
        DispatchQueue(label: "ocop.sqlite-checkpoint", qos: .utility).async { [self] in
            while !self.stopped.load(ordering: .relaxed) {
                usleep(microseconds)
                guard !self.stopped.load(ordering: .relaxed) else { break }
                do {
                    try self.handle.checkpointPassively()
                } catch {
                    logger.warning("background checkpoint failed; SQLite's own takes over", metadata: ["error": "\(error)"])
                }
            }
            self.ended.signal()
        }
    }

    /// Stops the loop and closes the connection, after any checkpoint under way.
    func stop() {
        guard !stopped.exchange(true, ordering: .relaxed) else { return }
        ended.wait()
        handle.close()
    }
}
