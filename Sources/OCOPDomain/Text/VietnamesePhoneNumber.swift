import Foundation

/// A Vietnamese phone number in its national form, the one phone rule of the service: a mobile
/// (ten digits, 03/05/07/08/09…), a landline (eleven digits, 02 and a province's area code), a
/// business hotline (1800/1900 and four or six digits), or a mobile number from before the 2018
/// renumbering (eleven digits, 012/016/018/019…), still printed in older producer records.
public struct VietnamesePhoneNumber: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Sendable { case mobile, landline, hotline, beforeRenumbering }

    /// The national digits, e.g. "0912345678", "02073822123", "19001234".
    public let digits: String
    public let kind: Kind

    /// Accepts the national form or +84/84 before it (also "+84 0912…"), with spaces, dots or
    /// dashes between digit groups ("0912 345 678", "0207.3822.123"); refuses other prefixes and
    /// wrong lengths.
    public init?(_ text: String) {
        let scalars = Array(
            Self.withoutAreaCodeParentheses(text).unicodeScalars.drop(while: Self.isBlank).reversed()
                .drop(while: Self.isBlank).reversed())
        guard let first = scalars.first, scalars.count <= 40 else { return nil }
        let plus = first == "+"
        var written: [UInt8] = []
        var gap: [Unicode.Scalar] = []
        for (offset, scalar) in scalars.enumerated() where !(plus && offset == 0) {
            if let digit = Self.digit(scalar) {
                guard gap.isEmpty || (!written.isEmpty && Self.isGroupGap(gap)) else { return nil }
                written.append(digit)
                gap = []
            } else {
                gap.append(scalar)
            }
            guard written.count <= 13 else { return nil }
        }
        guard gap.isEmpty, let (national, kind) = Self.national(written, international: plus) else { return nil }
        digits = String(decoding: national.map { $0 + 48 }, as: UTF8.self)
        self.kind = kind
    }

    public var description: String { digits }

    /// The mobile prefixes in use since the 2018 renumbering (the digit after the leading 0).
    static let mobileNetworkDigits: Set<UInt8> = [3, 5, 7, 8, 9]

    private static func national(_ raw: [UInt8], international: Bool) -> ([UInt8], Kind)? {
        if !international, raw.count == 8 || raw.count == 10, raw.starts(with: [1, 8, 0, 0]) || raw.starts(with: [1, 9, 0, 0]) {
            return (raw, .hotline)
        }
        var body = raw
        if international || (body.count >= 11 && body.starts(with: [8, 4])) {
            guard body.starts(with: [8, 4]) else { return nil }
            body.removeFirst(2)
            // "+84 0912…" repeats the trunk 0 that the country code replaces; people write it anyway.
            if body.first != 0 { body.insert(0, at: 0) }
        }
        guard body.first == 0, body.count >= 2 else { return nil }
        if body.count == 10, mobileNetworkDigits.contains(body[1]) { return (body, .mobile) }
        if body.count == 11, body[1] == 2 { return (body, .landline) }
        if body.count == 11, body[1] == 1 { return (body, .beforeRenumbering) }
        return nil
    }

    /// "(0207) 3822 123" and "+84 (24) 3825 1234": one group of digits in parentheses, the way
    /// landlines are usually written, read as if the parentheses were spaces.
    private static func withoutAreaCodeParentheses(_ text: String) -> String {
        guard let open = text.firstIndex(of: "("), let close = text.firstIndex(of: ")"), open < close,
            text.filter({ $0 == "(" || $0 == ")" }).count == 2
        else { return text }
        let inside = text[text.index(after: open)..<close]
        guard (1...5).contains(inside.count), inside.allSatisfy({ $0.isASCII && $0.isNumber }) else { return text }
        let before = text[..<open].trimmingCharacters(in: .whitespaces)
        let after = text[text.index(after: close)...].trimmingCharacters(in: .whitespaces)
        return [before, String(inside), after].filter { !$0.isEmpty }.joined(separator: " ")
    }

    private static func digit(_ scalar: Unicode.Scalar) -> UInt8? {
        scalar.value >= 48 && scalar.value <= 57 ? UInt8(scalar.value - 48) : nil
    }

    /// Whether the characters between two digit groups join them into one number: up to three
    /// characters, spaces with at most one dot or dash ("0912 345", "0912.345", "0912 - 345").
    static func isGroupGap(_ gap: some Collection<Unicode.Scalar>) -> Bool {
        guard !gap.isEmpty, gap.count <= 3, gap.allSatisfy({ $0 == " " || $0 == "." || $0 == "-" }) else {
            return false
        }
        return gap.count(where: { $0 != " " }) <= 1
    }

    private static func isBlank(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace
    }
}
