import Synchronization

/// A byte-bounded cache that keeps what was used recently, in O(1) per call: entries live in a
/// young and an old generation; when the young one holds half the bytes, it becomes the old one
/// and the previous old one is dropped whole. A hit in the old generation moves back to the young.
/// This approximates least-recently-used without scanning for the oldest entry (a scan over
/// 4,096 pages under the lock was most of a cache miss's cost) and without the cliff of emptying
/// everything when full (which made a working set just over the bound miss almost always).
/// Keys count towards the bound too: a key may be a client's long query string.
final class RecentCache<Value: Sendable>: Sendable {
    private struct Generations {
        var young: [String: Value] = [:]
        var old: [String: Value] = [:]
        var youngBytes = 0
    }

    private let state = Mutex(Generations())
    /// The most the two generations hold together.
    let maxBytes: Int
    private let size: @Sendable (Value) -> Int

    init(maxBytes: Int, size: @escaping @Sendable (Value) -> Int) {
        self.maxBytes = maxBytes
        self.size = size
    }

    func value(_ key: String) -> Value? {
        let (hit, dropped) = state.withLock { state -> (Value?, [String: Value]?) in
            if let hit = state.young[key] { return (hit, nil) }
            guard let hit = state.old.removeValue(forKey: key) else { return (nil, nil) }
            return (hit, insert(key, hit, into: &state))
        }
        _ = dropped  // released here, after the lock: a generation may hold thousands of buffers
        return hit
    }

    func store(_ key: String, _ value: Value) {
        guard cost(key, value) <= maxBytes / 16 else { return }  // a rare huge value is not worth the room
        let dropped = state.withLock { state -> [String: Value]? in
            state.old[key] = nil
            return insert(key, value, into: &state)
        }
        _ = dropped
    }

    /// Puts the entry in the young generation; returns the old generation it pushed out, if any.
    private func insert(_ key: String, _ value: Value, into state: inout Generations) -> [String: Value]? {
        if let replaced = state.young.updateValue(value, forKey: key) { state.youngBytes -= cost(key, replaced) }
        state.youngBytes += cost(key, value)
        guard state.youngBytes > maxBytes / 2 else { return nil }
        let dropped = state.old
        state.old = state.young
        state.young = [:]
        state.youngBytes = 0
        return dropped
    }

    /// What an entry takes: its value, its key, and the dictionary's own share.
    private func cost(_ key: String, _ value: Value) -> Int { size(value) + key.utf8.count + 48 }

    var count: Int { state.withLock { $0.young.count + $0.old.count } }
}
