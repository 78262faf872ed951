/// A traceability stamp's code: 90 random bits in Crockford's base-32 alphabet (no I, L, O, U, so
/// nothing reads as 1, 0 or a rude word), grouped for reading aloud: "7K3M-9QXD-2HRT-6WPB-ZN".
public struct StampCode: Hashable, Sendable, CustomStringConvertible {
    /// The 18 symbols without separators.
    public let symbols: String

    public static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    public static let length = 18

    /// A new code from a cryptographically secure generator.
    public static func random() -> StampCode {
        var generator = SystemRandomNumberGenerator()
        let symbols = String((0..<length).map { _ in alphabet[Int(generator.next(upperBound: UInt8(alphabet.count)))] })
        return StampCode(checked: symbols)
    }

    /// Reads a code as printed or typed: case, hyphens and spaces do not matter, and O/I/L read as
    /// 0/1/1 as Crockford's rules say. nil for anything that cannot be a code.
    public init?(_ text: String) {
        var symbols = ""
        for character in text.uppercased() where character != "-" && character != " " {
            switch character {
            case "O": symbols.append("0")
            case "I", "L": symbols.append("1")
            default:
                guard Self.alphabet.contains(character) else { return nil }
                symbols.append(character)
            }
        }
        guard symbols.count == Self.length else { return nil }
        self.symbols = symbols
    }

    private init(checked symbols: String) { self.symbols = symbols }

    /// Groups of four for printing.
    public var description: String {
        var groups: [Substring] = []
        var rest = Substring(symbols)
        while !rest.isEmpty {
            groups.append(rest.prefix(4))
            rest = rest.dropFirst(4)
        }
        return groups.joined(separator: "-")
    }

    /// Random bits per code: 18 × log2(32).
    public static let entropyBits = length * 5
}
