public import OCOPDomain

/// The marketplaces the programme pushes listings to. Raw values are the API's `marketplace` field.
public enum Marketplace: String, Sendable, CaseIterable, Codable {
    case shopee
    case lazada
    case tiktokShop = "tiktok_shop"
    case tiki
    case facebook
}

/// One image of a listing: its public URL, and its bytes for platforms that want an upload.
public struct ListingImage: Sendable, Equatable {
    public var url: String
    public var bytes: [UInt8]
    public var fileName: String

    public init(url: String, bytes: [UInt8], fileName: String) {
        self.url = url
        self.bytes = bytes
        self.fileName = fileName
    }
}

/// What the catalog says a listing must show, built by the sync engine from the catalog and stock.
public struct ListingContent: Sendable, Equatable {
    /// The seller SKU: the catalog variant's SKU.
    public var sku: String
    public var title: String
    /// The product's story followed by the OCOP certificate lines (stars, number, expiry).
    public var description: String
    public var priceVND: Int
    /// Units offered on the marketplace: already reduced by the account's ratio and buffer.
    public var stock: Int
    public var weightGrams: Int?
    public var images: [ListingImage]
    /// The marketplace's category id, from the account's category mapping.
    public var categoryID: String
    /// Marketplace attribute ids → values, from the account's attribute mapping.
    public var attributes: [String: String]
    /// The product's public page on this service.
    public var productURL: String
    public var brand: String
    public var gtin: String?

    public init(
        sku: String, title: String, description: String, priceVND: Int, stock: Int, weightGrams: Int?,
        images: [ListingImage], categoryID: String, attributes: [String: String], productURL: String, brand: String,
        gtin: String?
    ) {
        self.sku = sku
        self.title = title
        self.description = description
        self.priceVND = priceVND
        self.stock = stock
        self.weightGrams = weightGrams
        self.images = images
        self.categoryID = categoryID
        self.attributes = attributes
        self.productURL = productURL
        self.brand = brand
        self.gtin = gtin
    }
}

/// An account's secrets and tokens, decrypted. Keys are the platform's own names
/// (`partner_id`, `partner_key`, `shop_id`, `app_key`, `app_secret`, `access_token`, …).
public struct MarketplaceCredentials: Sendable, Equatable {
    public var values: [String: String]
    /// When the access token stops working; nil when it does not expire or is unknown.
    public var accessTokenExpiresAt: Moment?

    public init(values: [String: String], accessTokenExpiresAt: Moment? = nil) {
        self.values = values
        self.accessTokenExpiresAt = accessTokenExpiresAt
    }

    public subscript(key: String) -> String? { values[key] }
}

/// Where and as whom an adapter talks.
public struct MarketplaceAccountContext: Sendable {
    public var marketplace: Marketplace
    /// Scheme and host (and optional path prefix) of the platform, e.g. "https://partner.shopeemobile.com".
    public var baseURL: String
    public var credentials: MarketplaceCredentials

    public init(marketplace: Marketplace, baseURL: String, credentials: MarketplaceCredentials) {
        self.marketplace = marketplace
        self.baseURL = baseURL
        self.credentials = credentials
    }
}

/// One change to push.
public enum ListingOperation: Sendable, Equatable {
    /// Creates the listing; the result carries the platform's id.
    case create(ListingContent)
    /// Replaces title, description, images, price and stock of an existing listing.
    case update(externalID: String, ListingContent)
    case updatePrice(externalID: String, sku: String, priceVND: Int)
    case updateStock(externalID: String, sku: String, stock: Int)
    /// Takes the listing off sale (unlist / deactivate / out of stock).
    case delist(externalID: String, sku: String)
}

/// What a successful push returns.
public struct PushResult: Sendable, Equatable {
    /// The platform's id for the listing (set by create; echoed otherwise).
    public var externalID: String
    /// The shopper-facing URL when the platform gives or implies one.
    public var externalURL: String?

    public init(externalID: String, externalURL: String? = nil) {
        self.externalID = externalID
        self.externalURL = externalURL
    }
}

/// Why a push failed, classified so the sync engine knows what to do next.
public struct MarketplaceError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The platform asked us to slow down; retry after the given seconds when known.
        case throttled(retryAfterSeconds: Int?)
        /// The access token is expired or invalid: refresh and retry once.
        case authExpired
        /// The refresh failed or the credentials are wrong: a person must re-authorise.
        case badCredentials
        /// The platform refused the content (bad field, category, …): retrying will not help.
        case rejected
        /// Network trouble or a 5xx: retry later.
        case transient
    }

    public var kind: Kind
    /// The platform's own error code ("error_sign", "IllegalAccessToken", "105002", "190", "HTTP 429").
    public var code: String
    public var message: String

    public init(_ kind: Kind, code: String, message: String) {
        self.kind = kind
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}

/// Speaks one marketplace's seller API. Adapters never see libcurl, only `HTTPTransport`,
/// and never persist anything: the sync engine stores ids, tokens and outcomes.
public protocol MarketplaceAdapter: Sendable {
    var marketplace: Marketplace { get }
    /// Credential keys an account must provide (checked when the account is created): every key
    /// that creating an item needs, so that no account is accepted whose every create would fail.
    var requiredCredentials: [String] { get }
    /// Keys an account may add (the console's form offers them, not required): Tiki's `queue_code`.
    var optionalCredentials: [String] { get }
    /// Why a given credential's value cannot work (e.g. channel ids that are not numbers), or nil.
    func credentialProblem(_ key: String, _ value: String) -> String?
    /// Performs one operation.
    func push(_ operation: ListingOperation, account: MarketplaceAccountContext) async throws(MarketplaceError)
        -> PushResult
    /// Exchanges the refresh token for new tokens (or re-requests a token for client-credential apps).
    /// The engine persists the answer before using it: some platforms' refresh tokens are single-use.
    func refreshTokens(account: MarketplaceAccountContext) async throws(MarketplaceError) -> MarketplaceCredentials
    /// The shop's item with this seller SKU, if the platform has one: asked before a create is
    /// sent again, since the first may have been accepted with its answer lost (the engine then
    /// updates that item). Meta answers the SKU itself, since its update creates a missing item.
    /// Nil where the platform has none or offers no way to ask (the create is then sent again).
    func existingItem(sku: String, account: MarketplaceAccountContext) async throws(MarketplaceError) -> PushResult?
}

extension MarketplaceAdapter {
    public func credentialProblem(_ key: String, _ value: String) -> String? { nil }
    public func existingItem(sku: String, account: MarketplaceAccountContext) async throws(MarketplaceError) -> PushResult? {
        nil
    }
}

/// Shared checks of credential values.
enum CredentialFormat {
    /// "123" or "123, 456": whole numbers, at least one.
    static func numberListProblem(_ value: String) -> String? {
        let parts = value.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.filter { $0 != " " }
        }
        guard !parts.isEmpty, parts.allSatisfy({ !$0.isEmpty && $0.count <= 18 && $0.allSatisfy(\.isASCII) && Int64($0) != nil })
        else { return "comma-separated whole numbers (the platform's ids)" }
        return nil
    }
}

extension MarketplaceAdapter {
    public var optionalCredentials: [String] { [] }
}
