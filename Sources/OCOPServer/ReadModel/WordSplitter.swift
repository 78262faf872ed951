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
    /// The buffer words are built in, kept between texts so it is allocated once.
    private var current: [UInt8] = []

    mutating func words(_ text: String) -> [String] {
        var words: [String] = []
        forEachWord(text) { words.append(String(decoding: $0, as: UTF8.self)) }
        return words
    }

    /// Hands each folded word of `text` to `body` as bytes that are valid only during the call.
    ///
    /// Walks the UTF-8 bytes themselves (a valid `String` needs no checks), and builds each word in
    /// one reused buffer: iterating `unicodeScalars` and appending to an array cost twice as much.
    mutating func forEachWord(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        #if DEBUG
            var seen: [String] = []
            defer {
                assert(seen == VietnameseText.words(text), "WordSplitter differs from VietnameseText.words on \(text)")
            }
        #endif
        // The buffer is moved out of `self` while in use, so the folding tables can be filled meanwhile.
        var word = current
        current = []
        defer { current = word }
        var length = 0
        func append(_ byte: UInt8) {
            if length == word.count { word.append(contentsOf: repeatElement(0, count: max(64, word.count))) }
            word[length] = byte
            length += 1
        }
        func flush() {
            guard length > 0 else { return }
            word.withUnsafeBufferPointer { buffer in
                let found = UnsafeBufferPointer(rebasing: buffer[0..<length])
                #if DEBUG
                    seen.append(String(decoding: found, as: UTF8.self))
                #endif
                body(found)
            }
            length = 0
        }
        var text = text
        text.withUTF8 { bytes in
            var index = 0
            while index < bytes.count {
                let lead = bytes[index]
                if lead < 0x80 {
                    index += 1
                    var byte = lead
                    if byte >= 0x41 && byte <= 0x5A { byte += 0x20 }
                    if (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) { append(byte) } else { flush() }
                    continue
                }
                let value = Self.scalar(in: bytes, at: &index)
                if value < UInt32(Self.singleByteLimit), let byte = singleByte(value) {
                    if byte == 0 { flush() } else { append(byte) }
                } else {
                    for byte in foldedBytes(Unicode.Scalar(value)!) {
                        if byte == 0 { flush() } else { append(byte) }
                    }
                }
            }
        }
        flush()
    }

    /// The non-ASCII scalar starting at `index` in valid UTF-8; moves `index` past it.
    private static func scalar(in bytes: UnsafeBufferPointer<UInt8>, at index: inout Int) -> UInt32 {
        let lead = UInt32(bytes[index])
        func continuation(_ offset: Int) -> UInt32 { UInt32(bytes[index + offset] & 0x3F) }
        let value: UInt32
        let width: Int
        if lead < 0xE0 {
            (value, width) = ((lead & 0x1F) << 6 | continuation(1), 2)
        } else if lead < 0xF0 {
            (value, width) = ((lead & 0x0F) << 12 | continuation(1) << 6 | continuation(2), 3)
        } else {
            (value, width) = ((lead & 0x07) << 18 | continuation(1) << 12 | continuation(2) << 6 | continuation(3), 4)
        }
        index += width
        return value
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
