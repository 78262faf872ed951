import Crypto
import NIOCore
import OCOPDomain

/// A product story as a JSON string value, per language, for the detail document.
///
/// Stories are most of a product's text (600–1,500 characters; 30 MB over 20,000 products). A story
/// with nothing to escape, nearly every one, is written from the product's own `String` between
/// quotes, so the snapshot does not hold its bytes a second time in the encoded document.
struct LocalizedStory: Sendable {
    private enum Value: Sendable {
        /// Text that needs no escaping: its UTF-8 bytes are the JSON string's contents.
        case plain(String)
        /// The encoded JSON string, quotes included.
        case encoded([UInt8])

        init(_ text: String) {
            if JSONWriter.needsEscaping(text) {
                var json = JSONWriter(capacity: text.utf8.count + 16)
                json.string(text)
                self = .encoded(json.exactBytes)
            } else {
                self = .plain(text)
            }
        }
    }

    private let vi: Value
    /// Nil when the product has no English story: English shows the Vietnamese one, which is then
    /// neither scanned, stored nor hashed a second time (a cold start scanned 60 MB for 30).
    private let en: Value?

    init(_ story: LocalizedText) {
        vi = Value(story.vi)
        en = story.en.map(Value.init)
    }

    private func value(_ language: Language) -> Value { language == .vi ? vi : en ?? vi }

    /// Writes the JSON string value, quotes included.
    func write(_ language: Language, into buffer: inout ByteBuffer) {
        switch value(language) {
        case .plain(let text):
            buffer.writeInteger(UInt8(ascii: "\""))
            buffer.writeString(text)
            buffer.writeInteger(UInt8(ascii: "\""))
        case .encoded(let bytes):
            buffer.writeBytes(bytes)
        }
    }

    /// The bytes `write` adds.
    func byteCount(_ language: Language) -> Int {
        switch value(language) {
        case .plain(let text): text.utf8.count + 2
        case .encoded(let bytes): bytes.count
        }
    }

    /// Adds the bytes `write` writes to `hasher`; nothing for an English story that is the
    /// Vietnamese one (its bytes are in the digest already, from the Vietnamese document).
    func hash(_ language: Language, into hasher: inout SHA256) {
        if language == .en, en == nil { return }
        switch value(language) {
        case .plain(let text):
            let quote = [UInt8(ascii: "\"")]
            hasher.update(data: quote)
            var text = text
            text.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
            hasher.update(data: quote)
        case .encoded(let bytes):
            hasher.update(data: bytes)
        }
    }
}
