import Foundation
import Testing

@testable import OCOPServer

/// `JSONWriter.needsEscaping` reads eight bytes at a time; what it says must be what a byte-by-byte
/// look says, wherever in the text the byte that needs escaping sits, or a story would go out with a
/// raw quote or control character inside its JSON string.
@Suite struct JSONEscapingTests {
    private static func byteByByte(_ text: String) -> Bool {
        text.utf8.contains { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }
    }

    @Test func aQuoteBackslashOrControlByteIsFoundAtEveryPosition() {
        let base = "Chè Shan tuyết cổ thụ ở Suối Giàng, đồi chè ~ 300 năm tuổi"  // bytes from 0x20 to 0xE1
        #expect(!JSONWriter.needsEscaping(base))
        let bytes = Array(base.utf8)
        for special: UInt8 in [0x00, 0x01, 0x0A, 0x1F, 0x22, 0x5C] {
            for position in 0...min(bytes.count, 40) {
                var changed = bytes
                changed.insert(special, at: position)
                let text = String(decoding: changed, as: UTF8.self)
                #expect(JSONWriter.needsEscaping(text), "byte \(special) at \(position)")
            }
        }
    }

    @Test func neighboursOfTheSpecialBytesAreLeftAlone() {
        // 0x20 (space), 0x21, 0x23, 0x5B, 0x5D and bytes with the high bit set sit next to the
        // values the word test looks for; none needs escaping, whatever comes before it.
        for text in [" !#[]", "ẞ€😀 ", String(repeating: "á", count: 17), "", "a", "Hộp 500 g — 8 gói"] {
            #expect(!JSONWriter.needsEscaping(text), "\(text)")
        }
    }

    @Test func randomTextsAgreeWithAByteByByteLook() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("aăâđêôơư ÁẠ\"\\\n\t!#~0é".unicodeScalars)
        for _ in 0..<2_000 {
            let length = Int.random(in: 0..<40, using: &generator)
            var text = ""
            for _ in 0..<length {
                // Mostly plain letters, so texts with nothing to escape come up often too.
                let scalar = Int.random(in: 0..<10, using: &generator) < 9
                    ? alphabet[Int.random(in: 0..<11, using: &generator)] : alphabet.randomElement(using: &generator)!
                text.unicodeScalars.append(scalar)
            }
            #expect(JSONWriter.needsEscaping(text) == Self.byteByByte(text), "\(text.debugDescription)")
        }
    }
}
