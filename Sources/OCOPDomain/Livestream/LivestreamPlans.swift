import Foundation

/// A livestream session as its organisers plan it, and the lines of an order taken in it.

/// A product offered in a session: its live code, live price and optional quota.
public struct LiveProduct: Sendable, Hashable, Codable {
    public var code: String
    public var sku: String
    /// The catalog product the SKU belongs to (filled by the store).
    public var product: String
    public var livePrice: Int
    /// At most this many units may be held or sold in the session; nil for no quota.
    public var quota: Int?

    public init(code: String, sku: String, product: String = "", livePrice: Int, quota: Int?) {
        self.code = code
        self.sku = sku
        self.product = product
        self.livePrice = livePrice
        self.quota = quota
    }
}

/// What staff give to schedule a session.
public struct NewLivestream: Sendable {
    public var slug: String
    public var title: String
    public var platform: LivestreamPlatform
    public var pageUrl: String
    public var host: String
    public var point: String
    public var producers: [String]
    public var startsAt: Moment
    public var endsAt: Moment
    public var holdMinutes: Int
    public var products: [LiveProduct]

    public init(
        slug: String, title: String, platform: LivestreamPlatform, pageUrl: String, host: String, point: String,
        producers: [String], startsAt: Moment, endsAt: Moment, holdMinutes: Int, products: [LiveProduct]
    ) {
        self.slug = slug
        self.title = title
        self.platform = platform
        self.pageUrl = pageUrl
        self.host = host
        self.point = point
        self.producers = producers
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.holdMinutes = holdMinutes
        self.products = products
    }
}

/// One order line as asked: a live code and a quantity; `field` names it in errors.
public struct LiveOrderRequestLine: Sendable, Hashable {
    public var code: String
    public var quantity: Int
    public var field: String

    public init(code: String, quantity: Int, field: String) {
        self.code = code
        self.quantity = quantity
        self.field = field
    }
}
