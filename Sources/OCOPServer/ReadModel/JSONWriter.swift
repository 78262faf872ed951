/// Writes JSON straight into bytes. The catalog snapshot pre-encodes every product once with it,
/// so requests only concatenate finished bytes.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    private var needsComma: [Bool] = [false]

    init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    /// The bytes in an array of their own size: for bytes kept for the snapshot's life, where the
    /// spare capacity reserved while writing would otherwise stay allocated (tens of MB at 20k).
    var exactBytes: [UInt8] { bytes.trimmed }

    // MARK: - Containers

    mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma.append(false)
    }

    mutating func endObject() {
        needsComma.removeLast()
        bytes.append(UInt8(ascii: "}"))
    }

    /// Continues an object whose `{` and first members were written elsewhere: the first member
    /// written next starts with a comma. Nothing closes it here.
    mutating func continueObject() {
        needsComma.append(true)
    }

    mutating func beginArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
        needsComma.append(false)
    }

    mutating func endArray() {
        needsComma.removeLast()
        bytes.append(UInt8(ascii: "]"))
    }

    /// Starts a member of the current object; the value written next belongs to it.
    mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        needsComma[needsComma.count - 1] = false
    }

    /// A member whose name is computed (facet keys, codes).
    mutating func key(dynamic name: String) {
        string(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma[needsComma.count - 1] = false
    }

    // MARK: - Values

    mutating func string(_ value: String) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        // Most text needs no escaping: copy it whole (stories are kilobytes; this is most of encoding).
        if !Self.needsEscaping(value) {
            if value.utf8.withContiguousStorageIfAvailable({ bytes.append(contentsOf: $0) }) == nil {
                bytes.append(contentsOf: value.utf8)
            }
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [92, 34])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [92, 92])
            case UInt8(ascii: "\n"): bytes.append(contentsOf: [92, 110])
            case UInt8(ascii: "\r"): bytes.append(contentsOf: [92, 114])
            case UInt8(ascii: "\t"): bytes.append(contentsOf: [92, 116])
            case 0..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [92, 117, 48, 48, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Whether `value` holds a character a JSON string must escape (a quote, a backslash, a control
    /// character); text without one appears in JSON exactly as its UTF-8 bytes, between quotes.
    static func needsEscaping(_ value: String) -> Bool {
        var value = value
        return value.withUTF8 { needsEscaping(UnsafeRawBufferPointer($0)) }
    }

    /// The same test over UTF-8 bytes, eight at a time: every story of the catalog passes here on a
    /// cold start (30 MB at 20,000 products), and a byte at a time took 75 ms of it.
    static func needsEscaping(_ bytes: UnsafeRawBufferPointer) -> Bool {
        // Bit tricks over a 64-bit word ("hasless", "haszero"): a byte below n sets its high bit in
        // (word - n·0x01…) & ~word & 0x80…. Inexact per byte, exact for whether any byte is.
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func hasByteBelow(_ n: UInt64, _ word: UInt64) -> Bool { (word &- ones &* n) & ~word & highs != 0 }
        func hasByte(_ byte: UInt64, _ word: UInt64) -> Bool { hasByteBelow(1, word ^ (ones &* byte)) }
        var offset = 0
        while offset + 8 <= bytes.count {
            let word = bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            if hasByteBelow(0x20, word) || hasByte(0x22, word) || hasByte(0x5C, word) { return true }
            offset += 8
        }
        return bytes[offset...].contains { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }
    }

    mutating func string(_ value: String?) {
        if let value { string(value) } else { null() }
    }

    mutating func int(_ value: Int) {
        separate()
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func int(_ value: Int?) {
        if let value { int(value) } else { null() }
    }

    mutating func double(_ value: Double) {
        separate()
        if value == value.rounded(), abs(value) < 1e15 {
            bytes.append(contentsOf: String(Int(value)).utf8)
        } else {
            bytes.append(contentsOf: String(value).utf8)
        }
    }

    mutating func bool(_ value: Bool) {
        separate()
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    mutating func null() {
        separate()
        bytes.append(contentsOf: "null".utf8)
    }

    /// Bytes that already hold one complete JSON value.
    mutating func raw(_ json: [UInt8]) {
        separate()
        bytes.append(contentsOf: json)
    }

    /// `{"code": …, "name": …}`: how provinces and communes appear everywhere.
    mutating func codeAndName(_ code: String, _ name: String?) {
        beginObject()
        key("code")
        string(code)
        key("name")
        string(name)
        endObject()
    }

    private mutating func separate() {
        if needsComma[needsComma.count - 1] { bytes.append(UInt8(ascii: ",")) }
        needsComma[needsComma.count - 1] = true
    }
}
