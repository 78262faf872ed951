/// Text made safe for an XML element body (Lazada's payloads are XML documents in a parameter).
package enum XMLText {
    package static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(character)
            }
        }
        return out
    }

    /// `<Name>escaped value</Name>`.
    package static func element(_ name: String, _ value: String) -> String { "<\(name)>\(escape(value))</\(name)>" }
}
