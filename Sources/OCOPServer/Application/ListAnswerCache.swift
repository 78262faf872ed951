import NIOCore
import Synchronization

/// The last answers to exact list and search requests (raw target and `Accept-Language`), each
/// stamped with the catalog snapshot's serial and the stock version it was computed on: a hit skips parsing and
/// validating the query, and a new snapshot or any stock movement makes every entry stale. Bounded
/// by the bytes of its bodies (emptied when full): peak memory is a target too.
final class ListAnswerCache: Sendable {
    private struct Entry {
        let snapshot: UInt64
        let stockVersion: Int
        let answer: CachedAnswer
    }

    private let entries = Mutex<(byKey: [String: Entry], bytes: Int)>(([:], 0))
    private let maxBytes: Int

    init(maxBytes: Int = 3 << 20) { self.maxBytes = maxBytes }

    func answer(_ key: String, snapshot: UInt64, stockVersion: Int) -> CachedAnswer? {
        entries.withLock { entries in
            guard let entry = entries.byKey[key], entry.snapshot == snapshot, entry.stockVersion == stockVersion else {
                return nil
            }
            return entry.answer
        }
    }

    func store(_ key: String, _ answer: CachedAnswer, snapshot: UInt64, stockVersion: Int) {
        let size = answer.body?.readableBytes ?? 0
        entries.withLock { entries in
            if entries.bytes + size > maxBytes {
                entries.byKey.removeAll(keepingCapacity: true)
                entries.bytes = 0
            }
            if let replaced = entries.byKey[key] { entries.bytes -= replaced.answer.body?.readableBytes ?? 0 }
            entries.byKey[key] = Entry(snapshot: snapshot, stockVersion: stockVersion, answer: answer)
            entries.bytes += size
        }
    }
}
