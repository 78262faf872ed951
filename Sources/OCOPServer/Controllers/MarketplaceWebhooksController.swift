import Foundation
import Hummingbird
import OCOPDomain
import OCOPMarketplaces
import OCOPStorage

/// Receives the pushes a marketplace sends when an order changes, at the URL the seller registers
/// with the platform (`{public URL}/v1/marketplace-webhooks/{marketplace}/{account id}`, shown on
/// the account). A push is only a hint: a signed one queues a fetch of the order it names; the
/// fetched order moves stock. A wrong or missing signature gets 401 and changes nothing.
struct MarketplaceWebhooksController: Sendable {
    static let pathPrefix = "/v1/marketplace-webhooks/"
    /// Pushes are small JSON documents; anything larger is not one.
    static let maxBytes = 64 * 1024
    /// The platforms that push order changes (Tiki has an event queue instead, and Meta no order API).
    static let received: [Marketplace] = [.shopee, .lazada, .tiktokShop]

    let database: Database
    let clock: any WallClock
    let box: MarketplaceSecretBox?
    let publicBaseURL: String

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("marketplace-webhooks/:marketplace/:account_id", use: receive)
    }

    /// The URL a seller registers for the account; the signature covers it exactly.
    static func callbackURL(publicBaseURL: String, marketplace: String, account: Int) -> String {
        publicBaseURL + pathPrefix + marketplace + "/" + String(account)
    }

    @Sendable func receive(_ request: Request, context: AppRequestContext) async throws -> Response {
        let name = try context.pathValue("marketplace")
        guard let marketplace = Marketplace(rawValue: name) else { throw Problem.notFound("no marketplace '\(name)'") }
        guard let accountID = Int(try context.pathValue("account_id")), accountID > 0 else {
            throw Problem.notFound("no such marketplace account")
        }
        guard let box else { throw Problem(.serviceUnavailable, "marketplace accounts need a secret key") }
        let bytes: [UInt8]
        do {
            bytes = Array(try await request.body.collect(upTo: Self.maxBytes).readableBytesView)
        } catch {
            throw Problem(.contentTooLarge, "a push is at most \(Self.maxBytes) bytes")
        }
        let accounts = MarketplaceAccountStore(database: database, box: box)
        guard let account = try await accounts.account(accountID), account.marketplace == marketplace.rawValue else {
            throw Problem.notFound("no \(marketplace.rawValue) account \(accountID)")
        }
        let url = Self.callbackURL(publicBaseURL: publicBaseURL, marketplace: marketplace.rawValue, account: accountID)
        switch marketplace {
        case .shopee:
            let credentials = try await accounts.credentials(account: accountID)
            guard let partnerKey = credentials.values["partner_key"], !partnerKey.isEmpty,
                ShopeePush.isSigned(request.headers[.authorization], callbackURL: url, body: bytes, partnerKey: partnerKey)
            else { throw Problem(.unauthorized, "the push's Authorization is not the partner key's signature of this URL and body") }
            // Other codes (shop authorisation, banned items, …) are answered and not acted on here.
            // A push about another shop of the same partner app is answered and left to that
            // shop's account: its pull finds the order within its interval.
            if let order = ShopeePush.orderID(bytes), ShopeePush.shopID(bytes) == credentials.values["shop_id"] {
                try await MarketplaceOrderFetch(account: accountID, orders: [order]).enqueue(database, at: clock.now())
            }
            // Shopee wants a 2xx with an empty body, else it sends the push again.
            return Response(status: .ok)
        case .lazada:
            let credentials = try await accounts.credentials(account: accountID)
            guard let appKey = credentials.values["app_key"], let appSecret = credentials.values["app_secret"], !appSecret.isEmpty,
                LazadaPush.isSigned(request.headers[.authorization], body: bytes, appKey: appKey, appSecret: appSecret)
            else { throw Problem(.unauthorized, "the push's Authorization is not the app secret's signature of app key and body") }
            // One app may serve several sellers: a push about another seller is left to its account.
            let seller = credentials.values["seller_id"]
            if let order = LazadaPush.orderID(bytes), seller == nil || LazadaPush.sellerID(bytes) == seller {
                try await MarketplaceOrderFetch(account: accountID, orders: [order]).enqueue(database, at: clock.now())
            }
            // Lazada wants a 200 within 500 ms; the fetch runs on the job queue.
            return Response(status: .ok)
        case .tiktokShop:
            let credentials = try await accounts.credentials(account: accountID)
            guard let appKey = credentials.values["app_key"], let appSecret = credentials.values["app_secret"], !appSecret.isEmpty,
                TikTokShopPush.isSigned(request.headers[.authorization], body: bytes, appKey: appKey, appSecret: appSecret)
            else { throw Problem(.unauthorized, "the webhook's Authorization is not the app secret's signature of app key and body") }
            let shop = credentials.values["shop_id"]
            if let order = TikTokShopPush.orderID(bytes), shop == nil || TikTokShopPush.shopID(bytes) == shop {
                try await MarketplaceOrderFetch(account: accountID, orders: [order]).enqueue(database, at: clock.now())
            }
            // TikTok wants a 200 with an empty body within 3 s.
            return Response(status: .ok)
        case .tiki, .facebook:
            throw Problem.notFound("pushes from \(marketplace.rawValue) are not received yet")
        }
    }
}
