import Synchronization

/// Version numbers for the in-memory read models (stock, fairs, livestreams, listings), drawn
/// from one counter for the whole process: no two states of any models ever share a number.
/// Cache keys and ETags are made of these versions, and the compressed-answer cache is one per
/// process; with a counter per model, two servers in one process (the tests) at the same count
/// would have been handed each other's pages.
enum ReadModelVersion {
    private static let last = Atomic<Int>(0)

    static func next() -> Int { last.add(1, ordering: .relaxed).newValue }
}
