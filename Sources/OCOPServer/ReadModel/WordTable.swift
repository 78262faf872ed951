import Foundation

/// Distinct words (folded UTF-8 bytes) numbered 0, 1, 2… in order of first sight, looked up by their
/// bytes without building a `String` per occurrence: indexing 20,000 stories meets millions of
/// words but only about a hundred thousand distinct ones. Open addressing over FNV-1a hashes; the
/// bytes themselves are compared on every hit, so two words never share a number.
struct WordTable {
    /// Every word's bytes, one after another; word `i` is `arena[starts[i]..<starts[i + 1]]`.
    private var arena: [UInt8] = []
    private var starts: [Int32] = [0]
    private var hashes: [UInt64] = []
    /// Slot → word number + 1 (0: empty). The count is a power of two, at most half full.
    private var slots: [Int32] = Array(repeating: 0, count: 1 << 14)

    var count: Int { hashes.count }

    /// The number of `word`, added when new; `isNew` tells which.
    mutating func number(of word: UnsafeBufferPointer<UInt8>) -> (number: Int, isNew: Bool) {
        let hash = Self.hash(word)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = Int(slots[slot])
            if entry == 0 { break }
            let number = entry - 1
            if hashes[number] == hash && equals(number, word) { return (number, false) }
            slot = (slot + 1) & mask
        }
        let number = hashes.count
        hashes.append(hash)
        arena.append(contentsOf: word)
        starts.append(Int32(arena.count))
        slots[slot] = Int32(number + 1)
        if hashes.count * 2 > slots.count { grow() }
        return (number, true)
    }

    /// The word numbered `number`, as text.
    func word(_ number: Int) -> String { String(decoding: bytes(number), as: UTF8.self) }

    private func bytes(_ number: Int) -> ArraySlice<UInt8> { arena[Int(starts[number])..<Int(starts[number + 1])] }

    private func equals(_ number: Int, _ word: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = Int(starts[number])
        let count = Int(starts[number + 1]) - start
        guard count == word.count else { return false }
        guard count > 0 else { return true }
        return arena.withUnsafeBufferPointer { memcmp($0.baseAddress! + start, word.baseAddress!, count) == 0 }
    }

    private mutating func grow() {
        slots = Array(repeating: 0, count: slots.count * 2)
        let mask = slots.count - 1
        for number in hashes.indices {
            var slot = Int(truncatingIfNeeded: hashes[number]) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(number + 1)
        }
    }

    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        return hash ^ (hash >> 29)  // spread the high bits into the slot index
    }
}
