import Mustache

/// HTML escaping for the templates (`{{% CONTENT_TYPE: OCOP_HTML}}` at the top of each): the same
/// five characters as swift-mustache's own (`< > & " '`), found by scanning UTF-8 bytes. The
/// library's walks Characters with a dictionary lookup each, which was 29% of a product page's
/// rendering under load (perf, bench/run 2026-12-02).
struct HTMLEscaping: MustacheContentType {
    static let name = "OCOP_HTML"

    func escapeText(_ text: String) -> String { Self.escape(text) }

    static func escape(_ text: String) -> String {
        let utf8 = text.utf8
        guard utf8.contains(where: needsEscape) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count + 16)
        append(escaping: text, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `text`'s UTF-8 with the five characters that matter in text and quoted attributes escaped.
    static func append(escaping text: String, to out: inout [UInt8]) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "<"): append("&lt;", to: &out)
            case UInt8(ascii: ">"): append("&gt;", to: &out)
            case UInt8(ascii: "&"): append("&amp;", to: &out)
            case UInt8(ascii: "\""): append("&quot;", to: &out)
            case UInt8(ascii: "'"): append("&#39;", to: &out)
            default: out.append(byte)
            }
        }
    }

    private static func append(_ entity: StaticString, to out: inout [UInt8]) {
        entity.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "&") || byte == UInt8(ascii: "\"")
            || byte == UInt8(ascii: "'")
    }
}
