/// Folding and slugs for Vietnamese text: search ignores case and diacritics, and đ/Đ read as d.
public enum VietnameseText {
    /// Lowercases, strips diacritics (tones and vowel marks) and folds đ to d: "Đặc biệt" → "dac biet".
    public static func fold(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value < 0x80 {
                out.append(value >= 0x41 && value <= 0x5A ? Unicode.Scalar(UInt8(value + 0x20)) : scalar)
            } else if let base = LatinBaseLetters.table[scalar] {
                out.append(base)
            } else if isCombiningMark(scalar) {
                continue  // text that arrives decomposed (NFD) carries its marks separately
            } else {
                out.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            }
        }
        return String(out)
    }

    /// Splits folded text into words of letters and digits.
    ///
    /// Works on Unicode scalars rather than Characters: after folding, Vietnamese is plain ASCII,
    /// and grapheme breaking would cost more than the rest of indexing together.
    public static func words(_ text: String) -> [String] {
        var words: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in fold(text).unicodeScalars {
            let isWordScalar =
                scalar.isASCII
                ? (("a"..."z").contains(scalar) || ("0"..."9").contains(scalar))
                : (scalar.properties.isAlphabetic || scalar.properties.numericType != nil)
            if isWordScalar {
                current.append(scalar)
            } else if !current.isEmpty {
                words.append(String(current))
                current = String.UnicodeScalarView()
            }
        }
        if !current.isEmpty { words.append(String(current)) }
        return words
    }

    /// A URL slug from a Vietnamese name: "Trà shan tuyết Độ Khoa" → "tra-shan-tuyet-do-khoa".
    public static func slug(_ text: String) -> String {
        words(text).joined(separator: "-")
    }

    /// Whether a string is a well-formed slug: lowercase ASCII letters and digits joined by single hyphens.
    public static func isSlug(_ text: String) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 120, text.first != "-", text.last != "-", !text.contains("--")
        else { return false }
        return text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    private static func isCombiningMark(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: true
        default: false
        }
    }
}

/// Maps every precomposed Latin letter (ắ, Ở, đ …) to its lowercase base letter.
///
/// The standard library has no public canonical decomposition, so the table is derived once from
/// Unicode character names ("LATIN SMALL LETTER A WITH BREVE AND ACUTE" → "a"). Đ is named
/// "LATIN CAPITAL LETTER D WITH STROKE", so it folds to d by the same rule.
enum LatinBaseLetters {
    static let table: [Unicode.Scalar: Unicode.Scalar] = {
        var table: [Unicode.Scalar: Unicode.Scalar] = [:]
        let ranges: [ClosedRange<UInt32>] = [0x00C0...0x024F, 0x1E00...0x1EFF]
        for range in ranges {
            for value in range {
                guard let scalar = Unicode.Scalar(value), let name = scalar.properties.name else { continue }
                for prefix in ["LATIN SMALL LETTER ", "LATIN CAPITAL LETTER "] where name.hasPrefix(prefix) {
                    let rest = name.dropFirst(prefix.count)
                    guard rest.count > 6, rest.dropFirst().hasPrefix(" WITH "), let letter = rest.first,
                        let ascii = letter.asciiValue, letter.isLetter
                    else { continue }
                    table[scalar] = Unicode.Scalar(ascii | 0x20)
                }
            }
        }
        return table
    }()
}
