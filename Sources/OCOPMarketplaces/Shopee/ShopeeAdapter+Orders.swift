public import OCOPDomain

/// Shopee orders (MARKETPLACE-ORDERS.md §1): `get_order_detail` asked for its line items (Shopee
/// returns none unless asked) and packages, at most 50 orders a call; the push (code 3) checked
/// against the partner key.
extension ShopeeAdapter: MarketplaceOrderSource {
    static let detailBatch = 50

    public func orders(ids: [String], account: MarketplaceAccountContext) async throws(MarketplaceError)
        -> FetchedOrders
    {
        var found = FetchedOrders()
        var start = 0
        while start < ids.count {
            let batch = Array(ids[start..<min(ids.count, start + Self.detailBatch)])
            start += Self.detailBatch
            let envelope = try await send(
                "/api/v2/order/get_order_detail", method: "GET",
                query: [
                    ("order_sn_list", batch.joined(separator: ",")),
                    ("response_optional_fields", "item_list,package_list,total_amount,pay_time"),
                ], body: [], shop: true, account: account)
            for order in envelope["response"]["order_list"].array { found.read(order["order_sn"].string) { () throws(MarketplaceError) in try Self.order(order) } }
        }
        return found
    }

    /// Shopee answers at most 15 days of changes a call.
    static let listWindowSeconds: Int64 = 15 * 86_400
    static let listPageSize = 50

    public func changedOrders(from: Int64, to: Int64, account: MarketplaceAccountContext) async throws(MarketplaceError)
        -> (ids: [String], through: Int64)
    {
        var ids: [String] = []
        var seen: Set<String> = []
        var start = from
        while true {
            let end = min(to, start + Self.listWindowSeconds)
            var cursor = ""
            var pages = 0
            while true {
                let envelope = try await send(
                    "/api/v2/order/get_order_list", method: "GET",
                    query: [
                        ("time_range_field", "update_time"), ("time_from", String(start)), ("time_to", String(end)),
                        ("page_size", String(Self.listPageSize)), ("cursor", cursor), ("response_optional_fields", "order_status"),
                    ], body: [], shop: true, account: account)
                let response = envelope["response"]
                for order in response["order_list"].array {
                    guard let id = order["order_sn"].string, OrderAnswer.isID(id) else {
                        throw OrderAnswer.bad("an order list entry without a valid order_sn")
                    }
                    // Windows share their edge second: an order changed then is listed twice.
                    if seen.insert(id).inserted { ids.append(id) }
                }
                let next = response["next_cursor"].string ?? ""
                guard response["more"].bool == true, !next.isEmpty else { break }
                pages += 1
                // A platform that keeps answering "more" (or repeats its cursor) would loop for ever.
                guard next != cursor, next.utf8.count <= 512, pages < OrderAnswer.maxPagesPerWindow else {
                    throw OrderAnswer.bad("get_order_list kept answering more pages")
                }
                cursor = next
            }
            if end >= to || ids.count >= OrderAnswer.maxIDsPerPull { return (ids, end) }
            start = end
        }
    }

    /// One order of the answer, every field checked: a platform's answer is outside input too.
    static func order(_ json: JSONValue) throws(MarketplaceError) -> PlatformOrder {
        guard let id = json["order_sn"].string, OrderAnswer.isID(id) else { throw OrderAnswer.bad("an order without a valid order_sn") }
        guard let status = json["order_status"].string, OrderAnswer.isID(status),
            let updateTime = json["update_time"].int, updateTime > 0
        else { throw OrderAnswer.bad("order \(id) without order_status or update_time") }
        let items = json["item_list"].array
        guard items.count <= PlatformOrder.maxLines else { throw OrderAnswer.bad("order \(id) has \(items.count) lines") }
        var lines: [PlatformOrderLine] = []
        for item in items {
            guard let itemID = item["item_id"].string, OrderAnswer.isID(itemID),
                let quantity = item["model_quantity_purchased"].int, (1...PlatformOrder.maxQuantity).contains(quantity)
            else { throw OrderAnswer.bad("order \(id) has a line without item_id or a quantity from 1 to \(PlatformOrder.maxQuantity)") }
            let modelID = item["model_id"].string ?? "0"
            // The discounted price is 0 in bundle deals: the list price is then what we know.
            let discounted = item["model_discounted_price"].int ?? 0
            let price = discounted > 0 ? discounted : (item["model_original_price"].int ?? 0)
            guard (0...PlatformOrder.maxUnitPrice).contains(price) else { throw OrderAnswer.bad("order \(id) has a price out of range") }
            let sku = item["model_sku"].string.flatMap { $0.isEmpty ? nil : $0 } ?? item["item_sku"].string.flatMap { $0.isEmpty ? nil : $0 }
            lines.append(
                PlatformOrderLine(
                    key: itemID + ":" + modelID, itemID: itemID, sellerSKU: sku.map { String($0.prefix(64)) },
                    quantity: quantity, unitPrice: price))
        }
        let logistics = json["package_list"].array.compactMap { $0["logistics_status"].string }
        return PlatformOrder(
            externalID: id, status: status, state: stockState(status: status, logistics: logistics),
            updateTime: Int64(updateTime), lines: lines)
    }

    /// Package states in which the goods are still at the seller (§1.2).
    static let stillAtTheSeller: Set<String> = ["NOT_START", "INVALID", "REQUEST_CANCELED", "READY", "PENDING_ARRANGE", "REQUEST_CREATED"]

    /// §1.2's table: what a status (and, once cancelled, where the parcel got to) does to stock.
    static func stockState(status: String, logistics: [String]) -> OrderStockState? {
        switch status {
        case "UNPAID", "PENDING", "INVOICE_PENDING": return .placed
        case "READY_TO_SHIP", "PROCESSED", "RETRY_SHIP", "SHIPPED", "TO_CONFIRM_RECEIVE", "COMPLETED": return .sold
        case "TO_RETURN": return .returnExpected
        case "CANCELLED":
            let bare = Set(logistics.map { $0.hasPrefix("LOGISTICS_") ? String($0.dropFirst(10)) : $0 })
            if bare.contains("LOST") { return .lost }
            // Only a parcel that never left gives its units back at once; anything else (picked
            // up, failed delivery, a word we do not know) comes back through staff.
            return bare.isSubset(of: stillAtTheSeller) ? .cancelled : .returnExpected
        // IN_CANCEL waits for the seller's answer; unknown words change nothing until fetched again.
        default: return nil
        }
    }
}

/// A Shopee push (§1.3): `Authorization` is the lowercase hex HMAC-SHA256 of
/// `callback URL | raw body` with the partner key; code 3 names an order whose status changed.
public enum ShopeePush {
    public static func isSigned(_ authorization: String?, callbackURL: String, body: [UInt8], partnerKey: String) -> Bool {
        guard let authorization else { return false }
        return HMACHex.equal(
            authorization, ShopeeSigner.pushSignature(partnerKey: partnerKey, callbackURL: callbackURL, body: body))
    }

    /// The shop a push is about (`shop_id`), as text.
    public static func shopID(_ body: [UInt8]) -> String? {
        JSONBody.decode(body)?["shop_id"].string
    }

    /// The order a code-3 push is about (`data.ordersn`, no underscore), or nil for other codes.
    public static func orderID(_ body: [UInt8]) -> String? {
        guard let json = JSONBody.decode(body), json["code"].int == 3, let id = json["data"]["ordersn"].string,
            OrderAnswer.isID(id)
        else { return nil }
        return id
    }
}
