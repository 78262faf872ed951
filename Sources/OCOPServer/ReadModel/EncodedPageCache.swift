import Synchronization

/// Recently encoded list pages, by request (stock version, language, query), least recently used
/// out first. Each snapshot owns one, so a page can never outlive the catalog it was computed
/// from: a new snapshot starts with an empty cache.
final class EncodedPageCache: Sendable {
    private struct Entry {
        var bytes: [UInt8]
        var lastUse: UInt64
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var tick: UInt64 = 0
        var totalBytes = 0
    }

    private let state = Mutex(State())
    let maxEntries: Int
    let maxBytes: Int

    init(maxEntries: Int = 512, maxBytes: Int = 8 << 20) {
        self.maxEntries = maxEntries
        self.maxBytes = maxBytes
    }

    func page(_ key: String) -> [UInt8]? {
        state.withLock { state in
            guard var entry = state.entries[key] else { return nil }
            state.tick += 1
            entry.lastUse = state.tick
            state.entries[key] = entry
            return entry.bytes
        }
    }

    func store(_ key: String, _ bytes: [UInt8]) {
        guard bytes.count <= maxBytes / 8 else { return }  // a rare huge page is not worth the room
        state.withLock { state in
            state.tick += 1
            if let old = state.entries.updateValue(Entry(bytes: bytes, lastUse: state.tick), forKey: key) {
                state.totalBytes -= old.bytes.count
            }
            state.totalBytes += bytes.count
            while state.entries.count > maxEntries || state.totalBytes > maxBytes {
                guard let oldest = state.entries.min(by: { $0.value.lastUse < $1.value.lastUse }) else { break }
                state.entries[oldest.key] = nil
                state.totalBytes -= oldest.value.bytes.count
            }
        }
    }

    var count: Int { state.withLock { $0.entries.count } }
}
