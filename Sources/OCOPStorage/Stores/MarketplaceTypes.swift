public import OCOPDomain

/// A seller account on a marketplace, as the API shows it: never its credentials, only their names.
public struct MarketplaceAccount: Sendable, Hashable, Codable {
    public var id: Int
    /// "shopee", "lazada", "tiktok_shop", "tiki" or "facebook".
    public var marketplace: String
    public var name: String
    public var baseURL: String
    /// The point whose stock the account's listings sell.
    public var point: String
    /// Share of the available units offered (0–1), in basis points to keep the arithmetic exact.
    public var stockRatioBasisPoints: Int
    /// Units held back after the ratio.
    public var stockBuffer: Int
    /// Classification group code (e.g. "I.5.a") → the marketplace's category id.
    public var categoryMap: [String: String]
    /// Marketplace attribute id → value, given to every listing of the account.
    public var attributeDefaults: [String: String]
    /// "admin" or the producer slug that owns the account.
    public var owner: String
    /// Names of the stored credentials (the values are never shown).
    public var credentialKeys: [String]
    public var accessTokenExpiresAt: String?
    public var createdAt: String
    public var createdBy: String

    public var stockRatio: Double { Double(stockRatioBasisPoints) / 10_000 }

    /// Units to offer: `max(0, floor(available × ratio) − buffer)`, in whole-number arithmetic.
    public func offeredStock(available: Int) -> Int {
        Self.offeredStock(available: available, ratioBasisPoints: stockRatioBasisPoints, buffer: stockBuffer)
    }

    public static func offeredStock(available: Int, ratioBasisPoints: Int, buffer: Int) -> Int {
        max(0, max(0, available) * ratioBasisPoints / 10_000 - buffer)
    }
}

/// An account's secrets and tokens, as sealed in `marketplace_accounts.credentials`.
public struct StoredCredentials: Sendable, Equatable, Codable {
    public var values: [String: String]
    public var accessTokenExpiresAt: Moment?

    public init(values: [String: String], accessTokenExpiresAt: Moment?) {
        self.values = values
        self.accessTokenExpiresAt = accessTokenExpiresAt
    }

    private enum CodingKeys: String, CodingKey { case values, expiresMs = "expires_ms" }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        values = try container.decode([String: String].self, forKey: .values)
        accessTokenExpiresAt = try container.decodeIfPresent(Int64.self, forKey: .expiresMs).map(Moment.init)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(values, forKey: .values)
        try container.encodeIfPresent(accessTokenExpiresAt?.unixMilliseconds, forKey: .expiresMs)
    }
}

/// What creating an account needs; the controller has checked the marketplace and credential names.
public struct NewMarketplaceAccount: Sendable {
    public var marketplace: String
    public var name: String
    public var baseURL: String
    public var credentials: StoredCredentials
    public var point: String
    public var stockRatioBasisPoints: Int
    public var stockBuffer: Int
    public var categoryMap: [String: String]
    public var attributeDefaults: [String: String]
    public var owner: String

    public init(
        marketplace: String, name: String, baseURL: String, credentials: StoredCredentials, point: String,
        stockRatioBasisPoints: Int, stockBuffer: Int, categoryMap: [String: String],
        attributeDefaults: [String: String], owner: String
    ) {
        self.marketplace = marketplace
        self.name = name
        self.baseURL = baseURL
        self.credentials = credentials
        self.point = point
        self.stockRatioBasisPoints = stockRatioBasisPoints
        self.stockBuffer = stockBuffer
        self.categoryMap = categoryMap
        self.attributeDefaults = attributeDefaults
        self.owner = owner
    }
}

/// Where a listing stands on its marketplace.
public enum ListingStatus: String, Sendable, Codable, CaseIterable {
    /// Waiting for its first successful push.
    case pending
    case published
    /// The last push gave up; `last_error` says why, `POST /v1/listings/{id}/sync` tries again.
    case failed
    case delisted
}

/// A product variant offered through one marketplace account.
public struct Listing: Sendable, Hashable, Codable {
    public var id: Int
    public var account: Int
    public var marketplace: String
    public var point: String
    public var product: String
    public var sku: String
    public var categoryID: String
    public var attributes: [String: String]
    /// "listed", or "delisted" once a delist was asked for (the push may still be on its way).
    public var wanted: String
    public var status: ListingStatus
    public var externalID: String?
    public var externalURL: String?
    public var lastError: String?
    public var attempts: Int
    public var pushedPrice: Int?
    public var pushedStock: Int?
    public var delistReason: String?
    /// Kinds of push still waiting in the outbox ("publish", "stock", "delist").
    public var pendingPushes: [String]
    /// When the next waiting push is due (the platform's Retry-After or the backoff), if any waits.
    public var nextPushAt: String?
    public var createdBy: String
    public var createdAt: String
    public var updatedAt: String
    public var publishedAt: String?
    public var delistedAt: String?
}

/// What creating a listing needs.
public struct NewListing: Sendable {
    public var account: Int
    public var product: String
    /// Nil: the product's first variant.
    public var sku: String?
    /// Nil: from the account's category map.
    public var categoryID: String?
    public var attributes: [String: String]

    public init(account: Int, product: String, sku: String?, categoryID: String?, attributes: [String: String]) {
        self.account = account
        self.product = product
        self.sku = sku
        self.categoryID = categoryID
        self.attributes = attributes
    }
}

/// Filters and paging of `GET /v1/listings`.
public struct ListingQuery: Sendable {
    public var product: String?
    public var account: Int?
    public var status: ListingStatus?
    /// Listings with an id above this one (the cursor).
    public var afterID: Int
    public var limit: Int

    public init(product: String?, account: Int?, status: ListingStatus?, afterID: Int, limit: Int) {
        self.product = product
        self.account = account
        self.status = status
        self.afterID = afterID
        self.limit = limit
    }
}

/// The kinds of change the outbox carries.
public enum SyncKind: String, Sendable, Codable, CaseIterable {
    /// Create the listing, or replace its content (text, price, images, stock).
    case publish
    /// Push the latest offered stock.
    case stock
    /// Take the listing off sale.
    case delist
}

/// A claimed outbox row.
public struct SyncTask: Sendable, Hashable {
    public var id: Int
    public var listingID: Int
    public var marketplace: String
    public var kind: SyncKind
    /// The row's revision when claimed: a change coalesced in since means the push must run again.
    public var revision: Int
    /// 1 on the first try.
    public var attempt: Int
}

/// Everything the worker reads to build one push, in one consistent read.
public struct ListingSource: Sendable {
    public var listing: Listing
    public var account: MarketplaceAccount
    public var credentials: StoredCredentials
    /// Nil when the product is withdrawn from the catalog.
    public var product: Product?
    public var producerName: String
    /// Units at the account's point, net of holds.
    public var available: Int
}
