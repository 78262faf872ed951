/// What a local OCOP plan aims at in its year. Every kind but `manual` is counted from the
/// service's own records in the plan's locality and year, never typed in.
public enum PlanTargetKind: String, Sendable, CaseIterable, Codable {
    /// Products certified 3★ or more for the first time.
    case newProducts = "new_products"
    /// Products scored 90+ at province level and sent to the national council (or recognised 5★).
    case potentialFiveStar = "potential_five_star"
    /// Products certified again after an earlier certificate (re-evaluation after expiry, upgrade).
    case reEvaluated = "re_evaluated"
    /// Display and sale points opened.
    case newPoints = "new_points"
    /// Fairs and goods weeks held in the province, or attended by the commune's producers.
    case fairs
    /// Livestream selling sessions held from the locality's points.
    case livestreams
    /// Anything the service has no record of (training classes…): dated entries typed by the office.
    case manual

    public var isCounted: Bool { self != .manual }
}

/// Where a plan applies: a province (2-digit code) or a commune/ward (5-digit code) of the 2025 list.
public enum PlanLocality: Hashable, Sendable {
    case province(String)
    case commune(code: String, province: String)

    /// The locality for a code, if the 2025 list has it.
    public init?(code: String, in localities: Localities) {
        if code.utf8.count == 2, localities.province(code: code) != nil {
            self = .province(code)
        } else if code.utf8.count == 5, let commune = localities.commune(code: code) {
            self = .commune(code: code, province: commune.provinceCode)
        } else {
            return nil
        }
    }

    public var code: String {
        switch self {
        case .province(let code), .commune(let code, _): code
        }
    }
}

/// The rules a plan and its targets hold to.
public enum PlanRules {
    /// Plans are yearly; the programme runs from 2018 and plans are made at most a few years ahead.
    public static let years = 2018...2100
    public static let maxTarget = 100_000
    public static let maxTargets = 30
    public static let maxLabelBytes = 200

    /// A target's share done, in whole percent, capped at 100 for drawing a bar.
    public static func percent(done: Int, of target: Int) -> Int {
        guard target > 0 else { return 0 }
        return min(100, max(0, done) * 100 / target)
    }
}
