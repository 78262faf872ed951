import Synchronization

/// A byte-bounded cache that keeps what is used, in O(1) per call: entries are kept in
/// generations in the order they were cached; the youngest takes new entries until it holds an
/// eighth of the bound, then a new one begins. When all together hold more than the bound, the
/// oldest generation goes: the entries of it read since they were cached get a second chance in
/// the youngest (once), the rest are dropped whole. (A "clock" with generations.)
///
/// Why this shape:
/// - No scan for the oldest entry (a scan over 4,096 pages under the lock was most of a miss's cost)
///   and no cliff of emptying everything when full.
/// - A hit moves nothing, so a generation's storage holds exactly what it was counted for, and a
///   generation's bytes go back to the system together (`ByteSlab`). With hits moved to the young
///   generation at once (the previous design), old generations kept their slabs for the few entries
///   left in them while the moved copies filled the young one: the cache held about half its bound
///   in entries that were read (the benchmark's product pages ran at 12,700 req/s from 64 MB).
/// Keys count towards the bound too: a key may be a client's long query string.
final class RecentCache<Value: Sendable>: Sendable {
    /// The youngest generation turns over at this share of the bound. Small, because a turn keeps
    /// the oldest generation alive while its second chances are copied: the cache may pass its
    /// bound by one share for that moment (at a quarter, the benchmark's peak RSS rose 17 MB).
    static var generationShare: Int { 8 }
    /// At most this many generations: a lookup that misses probes each. Without a cap, keys stored
    /// again and again leave the old generations empty but never over the bound, and they pile up.
    static var maxGenerations: Int { 16 }

    private struct Entry {
        var value: Value
        /// Read since it was cached or last given its second chance.
        var read = false
    }

    private struct Generations {
        /// The youngest first, with the bytes each holds.
        var tiers: [[String: Entry]] = [[:]]
        var bytes: [Int] = [0]
        var total = 0
    }

    private let state = Mutex(Generations())
    private let bound: Atomic<Int>
    private let size: @Sendable (Value) -> Int
    private let moveToYoung: @Sendable (Value) -> Value

    /// `moveToYoung` gives the value an entry's second chance keeps: for values kept in storage
    /// that goes with their generation (`ByteSlab`), a copy in young storage.
    init(
        maxBytes: Int, size: @escaping @Sendable (Value) -> Int,
        moveToYoung: @escaping @Sendable (Value) -> Value = { $0 }
    ) {
        bound = Atomic(maxBytes)
        self.size = size
        self.moveToYoung = moveToYoung
    }

    /// The most the generations hold together. A new bound applies from the next entry cached.
    var maxBytes: Int {
        get { bound.load(ordering: .relaxed) }
        set { bound.store(newValue, ordering: .relaxed) }
    }

    func value(_ key: String) -> Value? {
        state.withLock { state in
            for tier in state.tiers.indices {
                guard let entry = state.tiers[tier][key] else { continue }
                if !entry.read { state.tiers[tier][key]!.read = true }
                return entry.value
            }
            return nil
        }
    }

    func store(_ key: String, _ value: Value) {
        guard cost(key, value) <= maxBytes / 16 else { return }  // a rare huge value is not worth the room
        let dropped = state.withLock { state -> [[String: Entry]] in
            for tier in state.tiers.indices {
                if let replaced = state.tiers[tier].removeValue(forKey: key) {
                    state.bytes[tier] -= cost(key, replaced.value)
                    state.total -= cost(key, replaced.value)
                }
            }
            add(key, Entry(value: value), to: &state)
            return makeRoom(in: &state)
        }
        _ = dropped  // released here, after the lock: a generation may hold thousands of buffers
    }

    private func add(_ key: String, _ entry: Entry, to state: inout Generations) {
        state.tiers[0][key] = entry
        state.bytes[0] += cost(key, entry.value)
        state.total += cost(key, entry.value)
    }

    /// Starts a new youngest generation when the current one is full, and lets the oldest go while
    /// the bound is passed or there are too many; returns the generations let go.
    private func makeRoom(in state: inout Generations) -> [[String: Entry]] {
        let bound = maxBytes
        guard state.bytes[0] > bound / Self.generationShare else { return [] }
        state.tiers.insert([:], at: 0)
        state.bytes.insert(0, at: 0)
        var dropped: [[String: Entry]] = []
        while state.tiers.count > 1, state.total > bound || state.tiers.count > Self.maxGenerations {
            let oldest = state.tiers.removeLast()
            state.total -= state.bytes.removeLast()
            if dropped.isEmpty {  // one second chance per turn: a cache that is all read still turns
                for (key, entry) in oldest where entry.read { add(key, Entry(value: moveToYoung(entry.value)), to: &state) }
            }
            dropped.append(oldest)
        }
        return dropped
    }

    /// What an entry takes: its value, its key, and the dictionary's own share.
    private func cost(_ key: String, _ value: Value) -> Int { size(value) + key.utf8.count + 48 }

    var count: Int { state.withLock { $0.tiers.reduce(0) { $0 + $1.count } } }

    /// The bytes held, as counted against the bound.
    var heldBytes: Int { state.withLock { $0.total } }

    var generations: Int { state.withLock { $0.tiers.count } }
}
