/// A set of product indices of one snapshot as a bitset: filters intersect these word by word
/// instead of testing every product per request.
struct ProductSet: Sendable {
    private(set) var words: [UInt64]
    /// How many products the snapshot holds (the universe of the set).
    let universe: Int

    init(universe: Int) {
        self.universe = universe
        words = [UInt64](repeating: 0, count: (universe + 63) / 64)
    }

    init(universe: Int, members: some Sequence<Int>) {
        self.init(universe: universe)
        for member in members { insert(member) }
    }

    static func all(universe: Int) -> ProductSet {
        var set = ProductSet(universe: universe)
        for word in set.words.indices { set.words[word] = ~0 }
        if universe % 64 != 0, !set.words.isEmpty { set.words[set.words.count - 1] = (1 << UInt64(universe % 64)) - 1 }
        return set
    }

    mutating func insert(_ member: Int) { words[member >> 6] |= 1 << UInt64(member & 63) }

    func contains(_ member: Int) -> Bool { words[member >> 6] & (1 << UInt64(member & 63)) != 0 }

    func intersection(_ other: ProductSet) -> ProductSet {
        var result = self
        for index in result.words.indices { result.words[index] &= other.words[index] }
        return result
    }

    func union(_ other: ProductSet) -> ProductSet {
        var result = self
        for index in result.words.indices { result.words[index] |= other.words[index] }
        return result
    }

    var count: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    /// Calls `body` with every member, in increasing order.
    func forEach(_ body: (Int) -> Void) {
        for (index, word) in words.enumerated() {
            var rest = word
            while rest != 0 {
                body(index << 6 | rest.trailingZeroBitCount)
                rest &= rest - 1
            }
        }
    }
}
