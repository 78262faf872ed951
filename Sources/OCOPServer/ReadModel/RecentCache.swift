import Synchronization

/// A byte-bounded cache that keeps what was used recently, in O(1) per call: entries live in a
/// young and an old generation; when the young one holds half the bytes, it becomes the old one
/// and the previous old one is dropped whole. A hit in the old generation moves back to the young.
/// This approximates least-recently-used without scanning for the oldest entry (a scan over
/// 4,096 pages under the lock was most of a cache miss's cost) and without the cliff of emptying
/// everything when full (which made a working set just over the bound miss almost always).
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
        state.withLock { state in
            if let hit = state.young[key] { return hit }
            guard let hit = state.old.removeValue(forKey: key) else { return nil }
            insert(key, hit, into: &state)
            return hit
        }
    }

    func store(_ key: String, _ value: Value) {
        guard size(value) <= maxBytes / 16 else { return }  // a rare huge value is not worth the room
        state.withLock { state in
            state.old[key] = nil
            insert(key, value, into: &state)
        }
    }

    private func insert(_ key: String, _ value: Value, into state: inout Generations) {
        if let replaced = state.young.updateValue(value, forKey: key) { state.youngBytes -= size(replaced) }
        state.youngBytes += size(value)
        if state.youngBytes > maxBytes / 2 {
            state.old = state.young
            state.young = [:]
            state.youngBytes = 0
        }
    }

    var count: Int { state.withLock { $0.young.count + $0.old.count } }
}
