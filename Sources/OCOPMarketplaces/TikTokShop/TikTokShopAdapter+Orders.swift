public import OCOPDomain

/// TikTok Shop orders (MARKETPLACE-ORDERS.md §3, 202309 APIs): Get Order Detail (50 ids a call) and
/// Get Order List by update time, which already carries each order's line items (one per unit,
/// folded here into lines). Webhooks (types 1, 11 and 12) are checked with the app secret over
/// `app_key + body`.
extension TikTokShopAdapter: MarketplaceOrderSource {
    static let detailBatch = 50
    static let listPageSize = 100
    static let ordersPath = "/order/202309/orders"

    public func orders(ids: [String], account: MarketplaceAccountContext) async throws(MarketplaceError)
        -> FetchedOrders
    {
        let valid = ids.filter(OrderAnswer.isID)
        var found = FetchedOrders()
        var start = 0
        while start < valid.count {
            let batch = Array(valid[start..<min(valid.count, start + Self.detailBatch)])
            start += Self.detailBatch
            let data = try await call("GET", Self.ordersPath, nil, query: [("ids", batch.joined(separator: ","))], account: account)
            for order in data["orders"].array { found.read(order["id"].string) { () throws(MarketplaceError) in try Self.order(order) } }
        }
        return found
    }

    public func changedOrders(from: Int64, to: Int64, account: MarketplaceAccountContext) async throws(MarketplaceError)
        -> (ids: [String], through: Int64)
    {
        var ids: [String] = []
        var seen: Set<String> = []
        var token = ""
        var pages = 0
        while true {
            var query = [("page_size", String(Self.listPageSize)), ("sort_field", "update_time"), ("sort_order", "ASC")]
            if !token.isEmpty { query.append(("page_token", token)) }
            // `update_time_lt` is exclusive: one past `to` includes it.
            let data = try await call(
                "POST", Self.ordersPath + "/search", ["update_time_ge": from, "update_time_lt": to + 1], query: query,
                account: account)
            for order in data["orders"].array {
                guard let id = order["id"].string, OrderAnswer.isID(id) else {
                    throw OrderAnswer.bad("an order list entry without a valid id")
                }
                if seen.insert(id).inserted { ids.append(id) }
            }
            pages += 1
            let next = data["next_page_token"].string ?? ""
            guard !next.isEmpty, !data["orders"].array.isEmpty else { return (ids, to) }
            guard next != token, next.utf8.count <= 1_024, pages < OrderAnswer.maxPagesPerWindow else {
                throw OrderAnswer.bad("orders/search kept answering more pages")
            }
            token = next
        }
    }

    /// One order, every field checked.
    static func order(_ json: JSONValue) throws(MarketplaceError) -> PlatformOrder {
        guard let id = json["id"].string, OrderAnswer.isID(id) else { throw OrderAnswer.bad("an order without a valid id") }
        guard let status = json["status"].string, OrderAnswer.isID(status), let updateTime = json["update_time"].int,
            updateTime > 0
        else { throw OrderAnswer.bad("order \(id) without status or update_time") }
        let items = json["line_items"].array
        guard (1...(PlatformOrder.maxLines * 10)).contains(items.count) else {
            throw OrderAnswer.bad("order \(id) has \(items.count) line items")
        }
        var lines: [PlatformOrderLine] = []
        var index: [String: Int] = [:]
        var packages: [String] = []
        for item in items {
            guard let product = item["product_id"].string, OrderAnswer.isID(product) else {
                throw OrderAnswer.bad("order \(id) has a line item without a valid product_id")
            }
            guard let price = item["sale_price"].double, price.isFinite, (0...Double(PlatformOrder.maxUnitPrice)).contains(price)
            else { throw OrderAnswer.bad("order \(id) has a price out of range") }
            packages.append(item["package_status"].string ?? "")
            let key = product + ":" + (item["sku_id"].string ?? "")
            let at: Int
            if let known = index[key] {
                guard lines[known].quantity < PlatformOrder.maxQuantity else { throw OrderAnswer.bad("order \(id) has too many units") }
                lines[known].quantity += 1
                at = known
            } else {
                at = lines.count
                index[key] = at
                let sku = item["seller_sku"].string.flatMap { $0.isEmpty ? nil : String($0.prefix(64)) }
                lines.append(PlatformOrderLine(key: key, itemID: product, sellerSKU: sku, quantity: 1, unitPrice: Int(price.rounded())))
            }
            // One unit of a going order cancelled on its own (the order is CANCELLED only when all are).
            if Self.isCancelledUnit(item) { lines[at].cancelled += 1 }
        }
        guard lines.count <= PlatformOrder.maxLines else { throw OrderAnswer.bad("order \(id) has too many lines") }
        // Stock kept in TikTok's own warehouses never was the display point's.
        let byTikTok = json["fulfillment_type"].string == "FULFILLMENT_BY_TIKTOK"
        return PlatformOrder(
            externalID: id, status: status, state: byTikTok ? nil : stockState(status: status, packages: packages),
            updateTime: Int64(updateTime), lines: lines)
    }

    /// A line item cancelled while its package still waited to be fulfilled: it never left the
    /// seller. One cancelled later (or whose package state is unknown) stays sold: staff count it.
    static func isCancelledUnit(_ item: JSONValue) -> Bool {
        item["display_status"].string == "CANCELLED" && notYetHandedOver.contains(item["package_status"].string ?? "")
    }

    /// The package state in which nothing was prepared for collection yet.
    static let notYetHandedOver: Set<String> = ["TO_FULFILL"]

    /// §3.2's table. A cancel before collection was arranged gives the units back; after it (or when
    /// the package's state is unknown) they come back through staff. Returns (type 12) restock only
    /// when staff confirm the goods arrived.
    static func stockState(status: String, packages: [String]) -> OrderStockState? {
        switch status {
        case "UNPAID", "ON_HOLD": return .placed
        case "AWAITING_SHIPMENT", "PARTIALLY_SHIPPING", "AWAITING_COLLECTION", "IN_TRANSIT", "DELIVERED", "COMPLETED":
            return .sold
        // Webhooks spell it CANCEL, the order APIs CANCELLED.
        case "CANCELLED", "CANCEL":
            return !packages.isEmpty && Set(packages).isSubset(of: notYetHandedOver) ? .cancelled : .returnExpected
        default: return nil
        }
    }
}

/// A TikTok Shop webhook (§3.3): `Authorization` is the lowercase hex HMAC-SHA256 of
/// `app_key + raw body` with the app secret; types 1 (order status), 11 (cancellation) and 12
/// (return) name an order.
public enum TikTokShopPush {
    public static func isSigned(_ authorization: String?, body: [UInt8], appKey: String, appSecret: String) -> Bool {
        guard let authorization else { return false }
        return HMACHex.equal(authorization, TikTokSigner.webhookSignature(appSecret: appSecret, appKey: appKey, body: body))
    }

    /// The shop a webhook is about (`shop_id`), as text.
    public static func shopID(_ body: [UInt8]) -> String? {
        JSONBody.decode(body)?["shop_id"].string
    }

    public static func orderID(_ body: [UInt8]) -> String? {
        guard let json = JSONBody.decode(body), let type = json["type"].int, [1, 11, 12].contains(type),
            let id = json["data"]["order_id"].string, OrderAnswer.isID(id)
        else { return nil }
        return id
    }
}
