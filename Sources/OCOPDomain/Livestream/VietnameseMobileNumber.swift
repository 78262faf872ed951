/// A Vietnamese mobile number in its national form: ten digits starting 03, 05, 07, 08 or 09.
public struct VietnameseMobileNumber: Hashable, Sendable, CustomStringConvertible {
    /// The ten national digits, e.g. "0912345678".
    public let digits: String

    /// Accepts "0912345678", "+84912345678" or "84912345678" (also "+84 0912…"), with spaces, dots or
    /// dashes between digit groups; refuses landlines (02…), other prefixes and wrong lengths.
    public init?(_ text: String) {
        let scalars = Array(
            text.unicodeScalars.drop(while: Self.isBlank).reversed().drop(while: Self.isBlank).reversed())
        guard let first = scalars.first else { return nil }
        let plus = first == "+"
        var national: [UInt8] = []
        var gap: [Unicode.Scalar] = []
        for (offset, scalar) in scalars.enumerated() where !(plus && offset == 0) {
            if let digit = Self.digit(scalar) {
                guard gap.isEmpty || (!national.isEmpty && Self.isGroupGap(gap)) else { return nil }
                national.append(digit)
                gap = []
            } else {
                gap.append(scalar)
            }
            guard national.count <= 12 else { return nil }
        }
        guard gap.isEmpty else { return nil }
        guard let normalised = Self.nationalDigits(national, international: plus) else { return nil }
        digits = String(decoding: normalised.map { $0 + 48 }, as: UTF8.self)
    }

    /// The form for staff lists, hiding the middle digits: "0912***678".
    public var masked: String { String(digits.prefix(4)) + "***" + String(digits.suffix(3)) }

    /// The E.164 form used by SMS and Zalo gateways: "+84912345678".
    public var e164: String { "+84" + String(digits.dropFirst()) }

    public var description: String { digits }

    /// The mobile prefixes in use since the 2018 renumbering (the digit after the leading 0).
    static let mobileNetworkDigits: Set<UInt8> = [3, 5, 7, 8, 9]

    private static func nationalDigits(_ raw: [UInt8], international: Bool) -> [UInt8]? {
        var body = raw
        if international || (body.count >= 11 && body.starts(with: [8, 4])) {
            guard body.starts(with: [8, 4]) else { return nil }
            body.removeFirst(2)
            // "+84 0912…" repeats the trunk 0 that the country code replaces; people write it anyway.
            if body.first != 0 { body.insert(0, at: 0) }
        }
        guard body.count == 10, body[0] == 0, mobileNetworkDigits.contains(body[1]) else { return nil }
        return body
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
