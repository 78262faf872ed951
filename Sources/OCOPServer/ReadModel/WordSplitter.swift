import OCOPDomain

/// `VietnameseText.words`, for indexing: the same words, several times faster on long stories.
///
/// Folding maps each scalar on its own, so it can be done scalar by scalar: ASCII directly on the
/// byte, any other scalar through `VietnameseText.fold` once and then from a small table (a
/// Vietnamese text uses a few dozen distinct accented letters). Debug builds check every result
/// against `VietnameseText.words`.
struct WordSplitter {
    /// A non-ASCII scalar → its folded UTF-8 bytes, with 0 where a folded scalar ends a word.
    private var folded: [UInt32: [UInt8]] = [:]
    private var current: [UInt8] = []

    mutating func words(_ text: String) -> [String] {
        var words: [String] = []
        current.removeAll(keepingCapacity: true)
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value < 0x80 {
                var byte = UInt8(value)
                if byte >= 0x41 && byte <= 0x5A { byte += 0x20 }
                if (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) {
                    current.append(byte)
                } else {
                    flush(into: &words)
                }
            } else {
                for byte in foldedBytes(scalar) {
                    if byte == 0 { flush(into: &words) } else { current.append(byte) }
                }
            }
        }
        flush(into: &words)
        assert(words == VietnameseText.words(text), "WordSplitter differs from VietnameseText.words on \(text)")
        return words
    }

    private mutating func flush(into words: inout [String]) {
        guard !current.isEmpty else { return }
        words.append(String(decoding: current, as: UTF8.self))
        current.removeAll(keepingCapacity: true)
    }

    private mutating func foldedBytes(_ scalar: Unicode.Scalar) -> [UInt8] {
        if let known = folded[scalar.value] { return known }
        var bytes: [UInt8] = []
        for piece in VietnameseText.fold(String(scalar)).unicodeScalars {
            let isWordScalar =
                piece.isASCII
                ? (("a"..."z").contains(piece) || ("0"..."9").contains(piece))
                : (piece.properties.isAlphabetic || piece.properties.numericType != nil)
            if isWordScalar { bytes.append(contentsOf: String(piece).utf8) } else { bytes.append(0) }
        }
        folded[scalar.value] = bytes
        return bytes
    }
}
