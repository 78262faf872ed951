/// An OCOP fair, festival or goods week ("tuần hàng"): a few days at one venue, with stalls.
public struct Fair: Hashable, Sendable, Codable {
    public var slug: String
    public var kind: FairKind
    public var name: String
    public var venue: String
    public var provinceCode: String
    /// First and last day, both included, as days in Asia/Ho_Chi_Minh.
    public var opensOn: CalendarDate
    public var closesOn: CalendarDate
    /// Daily opening hours as shown to visitors, e.g. "08:00–22:00". Informative: sales are judged by day.
    public var dailyHours: String
    public var organiser: String
    /// When a manager closed the fair early (or confirmed its end); nil while not closed explicitly.
    public var closedAt: String?

    public init(
        slug: String, kind: FairKind, name: String, venue: String, provinceCode: String, opensOn: CalendarDate,
        closesOn: CalendarDate, dailyHours: String, organiser: String, closedAt: String? = nil
    ) {
        self.slug = slug
        self.kind = kind
        self.name = name
        self.venue = venue
        self.provinceCode = provinceCode
        self.opensOn = opensOn
        self.closesOn = closesOn
        self.dailyHours = dailyHours
        self.organiser = organiser
        self.closedAt = closedAt
    }

    /// Planned before the first day, open from the first to the last day, closed after it or once
    /// closed explicitly.
    public func status(on day: CalendarDate) -> FairStatus {
        if closedAt != nil || day > closesOn { return .closed }
        return day < opensOn ? .planned : .open
    }

    /// Whether a sale at this instant falls on one of the fair's days (in Vietnam) while it is not closed.
    public func acceptsSales(at moment: Moment) -> Bool {
        status(on: CalendarDate(inVietnamAt: moment)) == .open
    }

    /// "from 2026-11-25 to 2026-11-29 (Asia/Ho_Chi_Minh)", for messages.
    public var datesText: String { "from \(opensOn) to \(closesOn) (Asia/Ho_Chi_Minh)" }
}

/// The kinds of event the programme runs.
public enum FairKind: String, Sendable, CaseIterable, Codable {
    case festival
    case fair
    /// "Tuần hàng OCOP": about 50 standard stalls for five days.
    case goodsWeek = "goods_week"
}

/// Where a fair stands, derived from its dates and an explicit close.
public enum FairStatus: String, Sendable, CaseIterable, Codable {
    case planned, open, closed
}

/// Stall sizes as fairs sell them.
public enum StallSize: String, Sendable, CaseIterable, Codable {
    /// A standard 3×3 m booth.
    case standard
    case double
    /// A corner or premium booth.
    case premium
}
