/// A GTIN-13 barcode number whose GS1 check digit has been verified (Vietnam's prefix is 893).
public struct GTIN: Hashable, Sendable, CustomStringConvertible {
    public let digits: String

    /// Accepts 13 digits with a correct check digit, otherwise nil.
    public init?(_ text: String) {
        guard text.utf8.count == 13, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        let values = text.utf8.map { Int($0 - 48) }
        guard Self.checkDigit(of: values.dropLast()) == values.last else { return nil }
        digits = text
    }

    /// The GS1 check digit of the digits before it: weights 3 and 1 alternate from the right.
    public static func checkDigit(of body: some Collection<Int>) -> Int {
        var sum = 0
        for (offset, digit) in body.reversed().enumerated() {
            sum += digit * (offset % 2 == 0 ? 3 : 1)
        }
        return (10 - sum % 10) % 10
    }

    /// The 14-digit form used in GS1 Digital Link URIs.
    public var gtin14: String { "0" + digits }

    /// Whether GS1 Vietnam issued the prefix.
    public var isVietnamese: Bool { digits.hasPrefix("893") }

    public var description: String { digits }
}
