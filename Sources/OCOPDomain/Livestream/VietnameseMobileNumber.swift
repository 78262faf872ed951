/// A Vietnamese mobile number in its national form: ten digits starting 03, 05, 07, 08 or 09. A
/// buyer's number must be one: orders are confirmed by SMS or Zalo. Read by the one phone rule
/// (`VietnamesePhoneNumber`).
public struct VietnameseMobileNumber: Hashable, Sendable, CustomStringConvertible {
    /// The ten national digits, e.g. "0912345678".
    public let digits: String

    /// Accepts "0912345678", "+84912345678" or "84912345678" (also "+84 0912…"), with spaces, dots or
    /// dashes between digit groups; refuses landlines (02…), hotlines, other prefixes and wrong lengths.
    public init?(_ text: String) {
        guard let number = VietnamesePhoneNumber(text), number.kind == .mobile else { return nil }
        digits = number.digits
    }

    /// The form for staff lists, hiding the middle digits: "0912***678".
    public var masked: String { String(digits.prefix(4)) + "***" + String(digits.suffix(3)) }

    /// The E.164 form used by SMS and Zalo gateways: "+84912345678".
    public var e164: String { "+84" + String(digits.dropFirst()) }

    public var description: String { digits }
}
