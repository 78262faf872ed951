/// Where a session is broadcast.
public enum LivestreamPlatform: String, Sendable, CaseIterable, Codable {
    case facebook
    case tiktok
    case shopeeLive = "shopee_live"
    case youtube
    case zalo
}

/// A session's life: scheduled → live → ended, or cancelled before it ends.
public enum LivestreamStatus: String, Sendable, CaseIterable, Codable {
    case scheduled
    case live
    case ended
    case cancelled

    /// Whether staff may move a session from this status to `next`.
    public func canBecome(_ next: LivestreamStatus) -> Bool {
        switch (self, next) {
        case (.scheduled, .live), (.scheduled, .cancelled), (.live, .ended), (.live, .cancelled): true
        default: false
        }
    }

    /// Orders are taken before and during the broadcast (viewers pre-order from the announcement).
    public var takesOrders: Bool { self == .scheduled || self == .live }
}

/// Rules for a session's products.
public enum LiveCodeRules {
    /// A live code as hosts say it on air: 1–6 letters then 1–4 digits ("CS01", "MIEN2"),
    /// the shape the comment parser reads.
    public static func isValid(_ code: String) -> Bool {
        let scalars = Array(code.unicodeScalars)
        let letters = scalars.prefix { ("A"..."Z").contains($0) || ("a"..."z").contains($0) }
        let digits = scalars.dropFirst(letters.count)
        return (1...6).contains(letters.count) && (1...4).contains(digits.count)
            && digits.allSatisfy { ("0"..."9").contains($0) }
    }

    /// How long an order holds stock unless the session says otherwise.
    public static let defaultHoldMinutes = 30
    /// The longest hold a session may ask for (a day: orders are closed the same day).
    public static let maxHoldMinutes = 24 * 60
}

/// What happened to one comment read from a session.
public enum LiveCommentOutcome: String, Sendable, CaseIterable, Codable {
    /// Not an order (a question, a greeting, a price, a number without a code…).
    case notOrder = "not_order"
    /// Created an order.
    case ordered
    /// Added to the same viewer's open order (or repeated what it already holds).
    case merged
    /// An order that could not be held: not enough stock or quota.
    case soldOut = "sold_out"
    /// Arrived after the session stopped taking orders.
    case closed
}
