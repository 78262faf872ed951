/// A star level 1–5 and the score bands of the scoring sheet (A 40 + B 25 + C 35 = 100 points).
public struct StarRating: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let value: Int

    public init?(_ value: Int) {
        guard (1...5).contains(value) else { return nil }
        self.value = value
    }

    /// The lowest star level that makes a product an "OCOP product".
    public static let certifiedMinimum = StarRating(3)!

    /// The band a council's average score falls in: 1★ < 30, 2★ 30–49, 3★ 50–69, 4★ 70–89, 5★ 90–100.
    public static func band(forScore score: Double) -> StarRating? {
        guard score >= 0, score <= 100 else { return nil }
        switch score {
        case ..<30: return StarRating(1)
        case ..<50: return StarRating(2)
        case ..<70: return StarRating(3)
        case ..<90: return StarRating(4)
        default: return StarRating(5)
        }
    }

    /// Whether a score agrees with this level. A province may score 90+ while the product awaits the
    /// national 5★ decision ("potential 5-star"); it is then certified 4★ with that flag set.
    public func isConsistent(withScore score: Double, potentialFiveStar: Bool) -> Bool {
        guard let band = Self.band(forScore: score) else { return false }
        if band == self { return true }
        return potentialFiveStar && value == 4 && band.value == 5
    }

    public var description: String { "\(value)★" }

    public static func < (lhs: StarRating, rhs: StarRating) -> Bool { lhs.value < rhs.value }
}
