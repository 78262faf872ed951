/// Reads raw livestream comments as order intents: the session's live codes with quantities, and a
/// Vietnamese mobile number.
///
/// Rules, in the order they apply:
/// - Text is folded first (case, diacritics, đ → d), so "Chốt", "CHOT" and "chot" read alike.
/// - Phone numbers are found before anything else, also when written "+84…", "84…" or split by spaces,
///   dots or dashes ("0912 345 678"); their digits are never read as quantities. The first number
///   found is the order's phone.
/// - A price is never a quantity and never makes a comment invalid: a number followed, glued or after
///   a space, by k, đ, vnđ, nghìn or ngàn ("35k", "350.000đ", "50 ngàn"), or any number with thousand
///   dots ("35.000", "1.200.000"). It is skipped like the phone, so "cs01 35k x2" orders 2 and
///   "cs01 350 k" orders 1. A lone "d" after a number counts as đ.
/// - A code is letters then digits ("CS01", "cs 01", "cs1" when unambiguous). Codes not on the
///   session are dropped; a comment with no session code, or with no phone, is not an order.
/// - A quantity normally follows its code: "CS01 2", "cs01 x2", "CS01*2", "cs01x2", "CS01 sl 2",
///   "số lượng 3", "2 hộp". Without one, the quantity is 1.
/// - Quantity first ("2 cs01", "lấy 2 hộp cs01") is ambiguous with a quantity that follows the
///   previous code, so it is read only per comment: when the first code is preceded by a number and
///   not followed by a marked quantity (x2, sl 2), every code in that comment takes the number before it.
/// - Quantities are 1–99; a quantity outside that range on a session code makes the comment not an
///   order (staff enter large orders directly rather than trusting a typo).
/// - A question ("?", "bao nhiêu", "còn không") is not an order unless it also says chốt/lấy/đặt/mua
///   or marks a quantity.
/// - A code repeated in one comment keeps the larger quantity, as ``merge(_:)`` does across comments.
public struct LiveCommentParser: Sendable {
    /// The session's live codes, as the session defines them.
    public let codes: Set<String>
    private let exact: [String: String]
    private let byNumber: [String: String]

    /// A parser for one session's live codes; matching ignores case.
    public init(codes: Set<String>) {
        self.codes = codes
        var exact: [String: String] = [:]
        var byNumber: [String: String] = [:]
        var ambiguous: Set<String> = []
        for code in codes.sorted() {
            let folded = VietnameseText.fold(code)
            exact[folded] = code
            guard let key = Self.numberKey(folded) else { continue }
            if byNumber[key] != nil { ambiguous.insert(key) }
            byNumber[key] = code
        }
        for key in ambiguous { byNumber[key] = nil }
        self.exact = exact
        self.byNumber = byNumber
    }

    /// The order a comment expresses, or nil when it is not one.
    public func parse(_ comment: LiveComment) -> LiveOrderIntent? {
        let text = Array(VietnameseText.fold(comment.text).unicodeScalars)
        let phones = Self.phoneSpans(in: text)
        guard let phone = phones.first?.number else { return nil }
        let items = classify(Self.tokens(of: text, phones: phones))
        guard let lines = lines(of: items), !lines.isEmpty else { return nil }
        if Self.isQuestion(items) { return nil }
        return LiveOrderIntent(
            viewerID: comment.viewerID, viewerName: comment.viewerName, phone: phone, lines: lines,
            postedAt: comment.postedAt)
    }

    /// Merges intents from the same viewer and phone into one, keeping the earliest time.
    ///
    /// A code that appears in several of them keeps the larger quantity, not the sum: viewers repeat
    /// the same order to be sure it was seen ("CS01 2 0912…" twice while the host reads other
    /// comments), and summing would hold stock nobody asked for. A viewer who wants more writes the
    /// new total, which the larger quantity honours. Different codes are combined. The same viewer
    /// with another phone stays a separate order (often a purchase for someone else).
    public static func merge(_ intents: [LiveOrderIntent]) -> [LiveOrderIntent] {
        var merged: [LiveOrderIntent] = []
        var index: [String: Int] = [:]
        for intent in intents {
            // The unit separator cannot occur in a platform id, so the key is unambiguous.
            let key = intent.viewerID + "\u{1F}" + intent.phone.digits
            guard let at = index[key] else {
                index[key] = merged.count
                merged.append(intent)
                continue
            }
            merged[at].postedAt = min(merged[at].postedAt, intent.postedAt)
            for line in intent.lines {
                if let existing = merged[at].lines.firstIndex(where: { $0.code == line.code }) {
                    merged[at].lines[existing].quantity = max(merged[at].lines[existing].quantity, line.quantity)
                } else {
                    merged[at].lines.append(line)
                }
            }
        }
        return merged
    }

    // MARK: - Codes

    private func sessionCode(_ folded: String) -> String? {
        if let code = exact[folded] { return code }
        return Self.numberKey(folded).flatMap { byNumber[$0] }
    }

    /// "cs01" and "cs1" share the key "cs#1".
    private static func numberKey(_ folded: String) -> String? {
        guard let (letters, digits) = splitCode(Substring(folded)), let number = Int(digits) else { return nil }
        return letters + "#" + String(number)
    }

    /// Letters then digits ("cs01" → ("cs", "01")), or nil for any other shape.
    private static func splitCode(_ word: Substring) -> (String, String)? {
        let letters = word.prefix { isLetter($0) }
        let digits = word.dropFirst(letters.count)
        guard (1...6).contains(letters.count), (1...4).contains(digits.count), digits.allSatisfy(isDigit)
        else { return nil }
        return (String(letters), String(digits))
    }

    // MARK: - Phone numbers

    private struct PhoneSpan {
        var range: Range<Int>
        var number: VietnameseMobileNumber
    }

    /// Phone numbers in folded text, left to right, possibly split into digit groups.
    private static func phoneSpans(in text: [Unicode.Scalar]) -> [PhoneSpan] {
        var runs: [Range<Int>] = []
        var i = 0
        while i < text.count {
            guard isDigit(text[i]) else { i += 1; continue }
            let start = i
            while i < text.count, isDigit(text[i]) { i += 1 }
            runs.append(start..<i)
        }
        var spans: [PhoneSpan] = []
        var next = 0
        while next < runs.count {
            let first = runs[next]
            let afterLetter = first.lowerBound > 0 && isLetter(text[first.lowerBound - 1])
            let plus = first.lowerBound > 0 && text[first.lowerBound - 1] == "+"
            var digits = plus ? "+" : ""
            var found: (span: PhoneSpan, last: Int)?
            var j = next
            while j < runs.count {
                if j > next {
                    // "sđt0912345678" may glue a number to a word, but then it is one unbroken run;
                    // groups joined across gaps start on their own, so "cs01 2" never feeds a number.
                    let gap = runs[j - 1].upperBound..<runs[j].lowerBound
                    guard !afterLetter, VietnamesePhoneNumber.isGroupGap(text[gap]) else { break }
                }
                digits.unicodeScalars.append(contentsOf: text[runs[j]])
                if digits.utf8.count > 13 { break }
                if afterLetter && runs[j].count < 10 { break }
                if let number = VietnameseMobileNumber(digits) {
                    let lower = plus ? first.lowerBound - 1 : first.lowerBound
                    found = (PhoneSpan(range: lower..<runs[j].upperBound, number: number), j)
                    break
                }
                j += 1
            }
            if let found {
                spans.append(found.span)
                next = found.last + 1
            } else {
                next += 1
            }
        }
        return spans
    }

    // MARK: - Tokens

    private enum Token {
        case word(String)
        case symbol(Unicode.Scalar)
        case phone
        case price
    }

    /// Currency words as folded: k, đ, vnđ, nghìn, ngàn.
    private static let currencies: Set<String> = ["k", "d", "vnd", "nghin", "ngan"]

    private static func tokens(of text: [Unicode.Scalar], phones: [PhoneSpan]) -> [Token] {
        var tokens: [Token] = []
        var phoneStarts: [Int: Int] = [:]
        for span in phones { phoneStarts[span.range.lowerBound] = span.range.upperBound }
        var i = 0
        while i < text.count {
            if let end = phoneStarts[i] {
                tokens.append(.phone)
                i = end
            } else if isDigit(text[i]), let end = priceEnd(in: text, from: i, phoneStarts: phoneStarts) {
                tokens.append(.price)
                i = end
            } else if isLetter(text[i]) || isDigit(text[i]) {
                var word = String.UnicodeScalarView()
                while i < text.count, phoneStarts[i] == nil, isLetter(text[i]) || isDigit(text[i]) {
                    word.append(text[i])
                    i += 1
                }
                tokens.append(.word(String(word)))
            } else {
                if !text[i].properties.isWhitespace { tokens.append(.symbol(text[i])) }
                i += 1
            }
        }
        return tokens
    }

    /// The end of a price that starts at `start`, or nil when the number there is not one.
    private static func priceEnd(in text: [Unicode.Scalar], from start: Int, phoneStarts: [Int: Int]) -> Int? {
        var end = digitsEnd(in: text, from: start)
        var grouped = false
        // Thousand dots follow one to three digits: "1.200.000", never "0912.345".
        if end - start <= 3 {
            while end < text.count, text[end] == ".", digitsEnd(in: text, from: end + 1) == end + 4 {
                end += 4
                grouped = true
            }
        }
        var unit = end
        while unit < text.count, text[unit].properties.isWhitespace { unit += 1 }
        var unitEnd = unit
        while unitEnd < text.count, isLetter(text[unitEnd]) { unitEnd += 1 }
        // "35k2" or "35kg" is not a currency word; the word must end where its letters do. Nor is
        // "đ/c" (địa chỉ, the address that often follows a quantity: "cs01 2 đ/c thôn Vĩnh Chính").
        let word = String(String.UnicodeScalarView(text[unit..<unitEnd]))
        let isCurrency =
            currencies.contains(word)
            && (unitEnd == text.count || (!isDigit(text[unitEnd]) && !(word == "d" && text[unitEnd] == "/")))
        if isCurrency { end = unitEnd } else if !grouped { return nil }
        // The phone was found first and wins any overlap.
        guard !(start + 1..<end).contains(where: { phoneStarts[$0] != nil }) else { return nil }
        return end
    }

    private static func digitsEnd(in text: [Unicode.Scalar], from start: Int) -> Int {
        var end = start
        while end < text.count, isDigit(text[end]) { end += 1 }
        return end
    }

    // MARK: - Items

    private enum Item: Equatable {
        /// A code-shaped word; `session` is the session's code it names, if any.
        case code(session: String?)
        case number(Int)
        /// x, *, ×, sl, số lượng: the number after it is a quantity.
        case marker
        /// hộp, chai, gói …: may follow a quantity.
        case unit
        /// The phone number, or a word that introduces it (sđt, zalo): skipped between code and quantity.
        case phone
        /// : = -, read between a code and its quantity ("CS01: 2").
        case connector
        /// 35k, 150.000 vnđ: skipped between code and quantity, like the phone.
        case price
        case question
        case orderVerb
        case other
    }

    private static let units: Set<String> = [
        "hop", "cai", "goi", "chai", "lo", "hu", "tui", "bich", "kg", "phan", "suat", "set", "combo", "thung",
        "cay", "qua", "trai", "bo", "vi", "can", "sp",
    ]
    private static let phoneLabels: Set<String> = ["sdt", "dt", "sdth", "zalo", "phone", "tel"]
    private static let orderVerbs: Set<String> = ["chot", "lay", "dat", "mua", "order"]
    private static let numberWords: [String: Int] = [
        "mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5, "sau": 6, "bay": 7, "tam": 8, "chin": 9, "muoi": 10,
    ]

    private func classify(_ tokens: [Token]) -> [Item] {
        var items: [Item] = []
        var i = 0
        while i < tokens.count {
            defer { i += 1 }
            switch tokens[i] {
            case .phone:
                items.append(.phone)
            case .price:
                items.append(.price)
            case .symbol(let symbol):
                switch symbol {
                case "*", "×": items.append(.marker)
                case ":", "=", "-": items.append(.connector)
                case "?": items.append(.question)
                default: items.append(.other)
                }
            case .word(let word):
                let next = self.word(at: i + 1, in: tokens)
                if let code = exact[word] {
                    items.append(.code(session: code))
                } else if word == "so", next == "luong" {
                    items.append(.marker)
                    i += 1
                } else if word == "bao", next == "nhieu" {
                    items.append(.question)
                    i += 1
                } else if word == "con", let next, ["khong", "ko", "k", "hong", "khum"].contains(next) {
                    items.append(.question)  // "còn không": asking about stock
                    i += 1
                } else if word == "dien", next == "thoai" {
                    items.append(.phone)
                    i += 1
                } else if let next, Self.isLetters(word), Self.isDigits(next), let code = sessionCode(word + next) {
                    items.append(.code(session: code))  // "cs 01"
                    i += 1
                } else if let number = Self.numberWords[word], let next, Self.units.contains(next) {
                    items.append(.number(number))  // "hai hộp"
                } else {
                    items.append(contentsOf: classify(word: word))
                }
            }
        }
        return items
    }

    private func word(at index: Int, in tokens: [Token]) -> String? {
        guard index < tokens.count, case .word(let word) = tokens[index] else { return nil }
        return word
    }

    private func classify(word: String) -> [Item] {
        if Self.isDigits(word) {
            return word.utf8.count <= 6 ? [.number(Int(word)!)] : [.other]
        }
        for marker in ["x", "sl"] where word.hasPrefix(marker) {
            let rest = word.dropFirst(marker.count)
            if Self.isDigits(rest), rest.count <= 6 { return [.marker, .number(Int(rest)!)] }
        }
        switch word {
        case "x", "sl", "soluong": return [.marker]
        case _ where Self.phoneLabels.contains(word): return [.phone]
        case _ where Self.orderVerbs.contains(word): return [.orderVerb]
        case _ where Self.units.contains(word): return [.unit]
        default: break
        }
        if Self.splitCode(Substring(word)) != nil {
            return [.code(session: sessionCode(word))]
        }
        // "cs01x2": a code with its quantity glued on.
        if let x = word.lastIndex(of: "x"), Self.splitCode(word[..<x]) != nil {
            let rest = word[word.index(after: x)...]
            if Self.isDigits(rest), rest.count <= 6 {
                return [.code(session: sessionCode(String(word[..<x]))), .marker, .number(Int(rest)!)]
            }
        }
        // "2hop": a quantity with its unit glued on.
        let digits = word.prefix { Self.isDigit($0.unicodeScalars.first!) }
        if !digits.isEmpty, digits.count <= 6, Self.units.contains(String(word.dropFirst(digits.count))) {
            return [.number(Int(digits)!), .unit]
        }
        return [.other]
    }

    // MARK: - Lines

    /// The session lines of a comment, or nil when a session code carries an impossible quantity.
    private func lines(of items: [Item]) -> [LiveOrderLine]? {
        let codeIndices = items.indices.filter { if case .code = items[$0] { true } else { false } }
        guard let firstCode = codeIndices.first else { return [] }
        var used: Set<Int> = []
        let quantityFirst =
            markedAfter(firstCode, in: items) == nil
            && numberBefore(firstCode, in: items).map { (1...99).contains($0.value) } == true

        var lines: [LiveOrderLine] = []
        for index in codeIndices {
            guard case .code(let session) = items[index] else { continue }
            var found = markedAfter(index, in: items, excluding: used)
            if found == nil {
                found =
                    quantityFirst
                    ? numberBefore(index, in: items, excluding: used) : bareAfter(index, in: items, excluding: used)
            }
            if let found { used.insert(found.at) }
            guard let session else { continue }
            let quantity = found?.value ?? 1
            guard (1...99).contains(quantity) else { return nil }
            if let existing = lines.firstIndex(where: { $0.code == session }) {
                lines[existing].quantity = max(lines[existing].quantity, quantity)
            } else {
                lines.append(LiveOrderLine(code: session, quantity: quantity))
            }
        }
        return lines
    }

    private typealias Found = (at: Int, value: Int)

    /// "CS01 x2", "CS01*2", "CS01 sl: 2", "CS01 sđt 0912… x2", "CS01 35k x2".
    private func markedAfter(_ code: Int, in items: [Item], excluding used: Set<Int> = []) -> Found? {
        var i = Self.skip(from: code + 1, in: items, over: [.phone, .connector, .price])
        guard i < items.count, items[i] == .marker else { return nil }
        i = Self.skip(from: i, in: items, over: [.marker, .connector])
        guard i < items.count, case .number(let value) = items[i], !used.contains(i) else { return nil }
        return (i, value)
    }

    /// "CS01 2", "CS01: 2", "CS01 0912… 2", "CS01 35k 2".
    private func bareAfter(_ code: Int, in items: [Item], excluding used: Set<Int>) -> Found? {
        let i = Self.skip(from: code + 1, in: items, over: [.phone, .connector, .price])
        guard i < items.count, case .number(let value) = items[i], !used.contains(i) else { return nil }
        return (i, value)
    }

    /// "2 CS01", "2 hộp CS01".
    private func numberBefore(_ code: Int, in items: [Item], excluding used: Set<Int> = []) -> Found? {
        var i = code - 1
        if i >= 0, items[i] == .unit { i -= 1 }
        guard i >= 0, case .number(let value) = items[i], !used.contains(i) else { return nil }
        return (i, value)
    }

    private static func skip(from start: Int, in items: [Item], over skipped: [Item]) -> Int {
        var i = start
        while i < items.count, skipped.contains(items[i]) { i += 1 }
        return i
    }

    private static func isQuestion(_ items: [Item]) -> Bool {
        items.contains(.question) && !items.contains(.orderVerb) && !items.contains(.marker)
    }

    // MARK: - Characters

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool { scalar.value >= 48 && scalar.value <= 57 }
    private static func isLetter(_ scalar: Unicode.Scalar) -> Bool { scalar.value >= 97 && scalar.value <= 122 }
    private static func isLetter(_ character: Character) -> Bool {
        character.unicodeScalars.first.map(isLetter) ?? false
    }
    private static func isDigit(_ character: Character) -> Bool { character.unicodeScalars.first.map(isDigit) ?? false }
    private static func isDigits(_ text: some StringProtocol) -> Bool {
        !text.isEmpty && text.unicodeScalars.allSatisfy(isDigit)
    }
    private static func isLetters(_ text: some StringProtocol) -> Bool {
        !text.isEmpty && text.unicodeScalars.allSatisfy(isLetter)
    }
}
