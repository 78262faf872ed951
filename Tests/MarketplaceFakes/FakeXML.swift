import OCOPMarketplaces

/// Just enough XML reading for the payloads adapters send: the text of every `<tag>…</tag>`.
enum FakeXML {
    static func values(_ tag: String, in document: String) -> [String] {
        var found: [String] = []
        var rest = Substring(document)
        while let open = rest.firstRange(of: "<\(tag)>") {
            rest = rest[open.upperBound...]
            guard let close = rest.firstRange(of: "</\(tag)>") else { break }
            found.append(unescape(String(rest[..<close.lowerBound])))
            rest = rest[close.upperBound...]
        }
        return found
    }

    static func value(_ tag: String, in document: String) -> String? { values(tag, in: document).first }

    private static func unescape(_ text: String) -> String {
        [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&apos;", "'"), ("&amp;", "&")].reduce(text) {
            $0.replacingOccurrences($1.0, $1.1)
        }
    }
}
