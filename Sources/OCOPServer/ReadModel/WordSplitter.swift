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
        forEachWord(text) { words.append(String(decoding: $0, as: UTF8.self)) }
        return words
    }

    /// Hands each folded word of `text` to `body` as bytes that are valid only during the call.
    mutating func forEachWord(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        #if DEBUG
            var seen: [String] = []
            defer {
                assert(seen == VietnameseText.words(text), "WordSplitter differs from VietnameseText.words on \(text)")
            }
        #endif
        func flush(_ current: inout [UInt8]) {
            guard !current.isEmpty else { return }
            current.withUnsafeBufferPointer { word in
                #if DEBUG
                    seen.append(String(decoding: word, as: UTF8.self))
                #endif
                body(word)
            }
            current.removeAll(keepingCapacity: true)
        }
        current.removeAll(keepingCapacity: true)
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value < 0x80 {
                var byte = UInt8(value)
                if byte >= 0x41 && byte <= 0x5A { byte += 0x20 }
                if (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) {
                    current.append(byte)
                } else {
                    flush(&current)
                }
            } else if value < UInt32(Self.singleByteLimit), let byte = singleByte(value) {
                if byte == 0 { flush(&current) } else { current.append(byte) }
            } else {
                for byte in foldedBytes(scalar) {
                    if byte == 0 { flush(&current) } else { current.append(byte) }
                }
            }
        }
        flush(&current)
    }

    /// Vietnamese letters (U+00C0…U+1EFF) fold to one ASCII letter: a flat table for those, filled
    /// on first sight (-1 unknown, -2 folds to several bytes, else the byte, 0 for a separator).
    private static let singleByteLimit = 0x2000
    private var singleBytes = [Int16](repeating: -1, count: singleByteLimit)

    private mutating func singleByte(_ value: UInt32) -> UInt8? {
        let index = Int(value)
        if singleBytes[index] == -1 {
            let bytes = foldedBytes(Unicode.Scalar(value)!)
            singleBytes[index] = bytes.count == 1 ? Int16(bytes[0]) : -2
        }
        let entry = singleBytes[index]
        return entry >= 0 ? UInt8(entry) : nil
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
