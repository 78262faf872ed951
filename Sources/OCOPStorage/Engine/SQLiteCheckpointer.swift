import Dispatch
import Foundation
import Logging
import Synchronization

/// Copies the write-ahead log into the database file from a connection and a thread of its own, so
/// that no write waits for it. Left to SQLite, the commit that finds the log past 1,000 pages does
/// the copy and its fsync inside the writer's lock, and every request queued behind it waits: on
/// this machine's disk that was most of the counter sales' p99 (docs/decisions.md). A PASSIVE
/// checkpoint neither waits for nor blocks writers, and a RESTART after it copies the few pages
/// written meanwhile so that the next writer rewinds the log. SQLite's own checkpoint stays on as a
/// backstop, at a much larger log.
final class SQLiteCheckpointer: Sendable {
    /// The log size (pages) at which SQLite still checkpoints inside a commit, should this stall.
    static let backstopPages = 20_000
    /// The log size (pages) past which a pass ends by rewinding the log (SQLite's own default
    /// checkpoint size).
    static let restartPages = 1_000
    /// How long a rewind waits for the writer of the moment to finish before trying next pass.
    static let restartWaitMilliseconds: Int32 = 100
    /// A rewind holds writers off while it copies and syncs what the passes before it left, so
    /// passive passes go on (at most `catchUpPasses`) until fewer than `catchUpPages` pages landed
    /// during the last one: on this machine's disk a sync costs about 4 ms a MB (decisions.md).
    static let catchUpPages = 64
    static let catchUpPasses = 12
    private let handle: SQLiteHandle
    private let stopped = Atomic<Bool>(false)
    /// Signalled when the loop has ended, so the connection closes after the last checkpoint.
    private let ended = DispatchSemaphore(value: 0)

    init(path: String, every interval: Duration, logger: Logger) throws {
        handle = try SQLiteHandle(path: path)
        // A connection learns that the file is in WAL mode only by reading it: until then SQLite
        // takes a checkpoint call for a no-op that succeeds (reporting -1 frames): without this read
        // the thread checkpointed nothing, and the commits' backstop did all the work (decisions.md).
        try handle.run("SELECT count(*) FROM sqlite_schema", []) { _ in }
        let microseconds = UInt32(clamping: interval.components.seconds * 1_000_000 + interval.components.attoseconds / 1_000_000_000_000)
        // A thread of its own: the checkpoint's fsync blocks, and must not hold a pool thread.
        DispatchQueue(label: "ocop.sqlite-checkpoint", qos: .utility).async { [self] in
            while !self.stopped.load(ordering: .relaxed) {
                usleep(microseconds)
                guard !self.stopped.load(ordering: .relaxed) else { break }
                do {
                    // Under steady writes a passive pass never catches the log's end, so the log is
                    // never rewound and grows to the backstop, whose checkpoint in a commit stalled
                    // every sale for about 200 ms each 1.25 s. What the pass left is copied with
                    // writers held off for a moment, and the next writer starts the log afresh.
                    var pass = try self.handle.checkpointPassively()
                    self.count(pass)
                    var passes = 1
                    while pass.logFrames >= Self.restartPages, passes < Self.catchUpPasses {
                        let next = try self.handle.checkpointPassively()
                        self.count(next)
                        passes += 1
                        let landed = next.logFrames - pass.logFrames
                        pass = next
                        if landed < Self.catchUpPages { break }
                    }
                    if pass.logFrames >= Self.restartPages,
                        let rest = try self.handle.checkpointAndRestart(waitMilliseconds: Self.restartWaitMilliseconds)
                    {
                        self.count(rest)
                    }
                } catch {
                    logger.warning("background checkpoint failed; SQLite's own takes over", metadata: ["error": "\(error)"])
                }
            }
            self.ended.signal()
        }
    }

    /// Checkpoints of this thread that found pages to copy (tests, diagnosis).
    var copyingPasses: Int { copying.load(ordering: .relaxed) }
    private let copying = Atomic<Int>(0)

    private func count(_ pass: (logFrames: Int, copied: Int)) {
        if pass.copied > 0 { copying.add(1, ordering: .relaxed) }
    }

    /// Stops the loop and closes the connection, after any checkpoint under way.
    func stop() {
        guard !stopped.exchange(true, ordering: .relaxed) else { return }
        ended.wait()
        handle.close()
    }
}
