/// The provincial council's scoring sheet (Decision 148): each member scores Part A (production
/// organisation, up to 40 points), Part B (marketing and the product story, 25) and Part C
/// (quality and standards, 35). The product's level is the band of the members' average.
///
/// Points are kept in tenths, as members write them (e.g. 29.9), so that the average is compared
/// with the band edges exactly: an average of 29.95 is 1★, never 2★ by rounding.
public struct MemberScore: Hashable, Sendable {
    public let member: String
    public let partA: Int
    public let partB: Int
    public let partC: Int

    public static let partAMax = 400
    public static let partBMax = 250
    public static let partCMax = 350

    /// Tenths of a point, checked against each part's maximum; each problem names its field.
    public init(member: String, partA: Double, partB: Double, partC: Double) throws(DomainError) {
        var issues: [DomainError.FieldIssue] = []
        let name = member.trimmingWhitespace
        if name.isEmpty || name.utf8.count > 100 { issues.append(.init(field: "member", reason: "1–100 bytes")) }
        let a = Self.tenths(partA, max: Self.partAMax, field: "part_a", into: &issues)
        let b = Self.tenths(partB, max: Self.partBMax, field: "part_b", into: &issues)
        let c = Self.tenths(partC, max: Self.partCMax, field: "part_c", into: &issues)
        guard issues.isEmpty else { throw DomainError(.invalid, "invalid score", issues: issues) }
        self.init(member: name, tenthsA: a, tenthsB: b, tenthsC: c)
    }

    /// From stored tenths.
    public init(member: String, tenthsA: Int, tenthsB: Int, tenthsC: Int) {
        self.member = member
        partA = tenthsA
        partB = tenthsB
        partC = tenthsC
    }

    /// The member's total, in tenths (0…1000).
    public var totalTenths: Int { partA + partB + partC }

    private static func tenths(_ value: Double, max: Int, field: String, into issues: inout [DomainError.FieldIssue]) -> Int {
        // Range first: a huge or NaN number must never reach the conversion to Int.
        guard value.isFinite, value >= 0, value <= Double(max) / 10 else {
            issues.append(.init(field: field, reason: "a number from 0 to \(max / 10)"))
            return 0
        }
        let scaled = (value * 10).rounded()
        guard abs(scaled - value * 10) < 1e-6 else {
            issues.append(.init(field: field, reason: "at most one decimal, e.g. 29.5"))
            return 0
        }
        return Int(scaled)
    }
}

/// What the council's scores add up to for one product.
public struct CouncilResult: Hashable, Sendable {
    public let members: Int
    /// The members' average, in points.
    public let average: Double
    /// The band of the average: 1★ < 30, 2★ 30–49, 3★ 50–69, 4★ 70–89, 5★ 90–100.
    public let band: StarRating
    /// The level a province certifies: the band, but 4★ with the "potential 5★" flag when the band
    /// is 5★ (only the national council recognises 5★).
    public let stars: StarRating
    public let potentialFiveStar: Bool
    /// The average in hundredths of a point, rounded down.
    public let averageHundredths: Int

    /// Nil when nobody has scored yet.
    public init?(_ scores: [MemberScore]) {
        guard !scores.isEmpty else { return nil }
        let sum = scores.reduce(0) { $0 + $1.totalTenths }
        let count = scores.count
        members = count
        average = Double(sum) / Double(count) / 10
        averageHundredths = sum * 10 / count
        // sum / count < edge × 10  ⇔  sum < edge × 10 × count: exact, no rounding at the edges.
        let level: Int
        if sum < 300 * count {
            level = 1
        } else if sum < 500 * count {
            level = 2
        } else if sum < 700 * count {
            level = 3
        } else if sum < 900 * count {
            level = 4
        } else {
            level = 5
        }
        band = StarRating(level)!
        potentialFiveStar = level == 5
        stars = StarRating(min(level, 4))!
    }

    /// Only 3★ and more are OCOP products.
    public var certifies: Bool { band >= StarRating.certifiedMinimum }

    /// The average as a certificate's score: hundredths, rounded down, so that it never crosses
    /// into the next band (69.995 stays 69.99, a 3★ score).
    public var certificateScore: Double { Double(averageHundredths) / 100 }
}
