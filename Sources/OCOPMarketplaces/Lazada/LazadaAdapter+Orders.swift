public import OCOPDomain

/// Lazada orders (MARKETPLACE-ORDERS.md §2). Lazada keeps a status per order item and one item per
/// unit: `/order/get` gives the order, `/orders/items/get` its items (50 orders a call); units of
/// one SKU are folded into one line. The push (message types 0 and 10) is checked with the app
/// secret over `app_key + body`.
extension LazadaAdapter: MarketplaceOrderSource {
    static let itemsBatch = 50
    static let listPageSize = 100
    /// Lazada refuses offsets past 5,000: the list then restarts from the last order's update time.
    static let maxOffset = 5_000

    public func orders(ids: [String], account: MarketplaceAccountContext) async throws(MarketplaceError)
        -> FetchedOrders
    {
        var headers: [String: JSONValue] = [:]
        for id in ids where OrderAnswer.isID(id) {
            let data = try await call("/order/get", [("order_id", id)], method: "GET", account: account)
            // An order the shop does not have answers no data: it is left out.
            if data["order_id"].exists { headers[id] = data }
        }
        var found = FetchedOrders()
        let known = ids.filter { headers[$0] != nil }
        var start = 0
        while start < known.count {
            let batch = Array(known[start..<min(known.count, start + Self.itemsBatch)])
            start += Self.itemsBatch
            let data = try await call(
                "/orders/items/get", [("order_ids", "[" + batch.joined(separator: ",") + "]")], method: "GET", account: account)
            for entry in data.array {
                guard let id = entry["order_id"].string, let header = headers[id] else { continue }
                found.read(id) { () throws(MarketplaceError) in try Self.order(header, items: entry["order_items"].array) }
            }
        }
        return found
    }

    public func changedOrders(from: Int64, to: Int64, account: MarketplaceAccountContext) async throws(MarketplaceError)
        -> (ids: [String], through: Int64)
    {
        var ids: [String] = []
        var seen: Set<String> = []
        var after = from
        var offset = 0
        var pages = 0
        while true {
            let data = try await call(
                "/orders/get",
                [
                    ("update_after", PlatformTime.iso(after)), ("update_before", PlatformTime.iso(to)), ("sort_by", "updated_at"),
                    ("sort_direction", "ASC"), ("limit", String(Self.listPageSize)), ("offset", String(offset)),
                ], method: "GET", account: account)
            let orders = data["orders"].array
            var last = after
            for order in orders {
                guard let id = order["order_id"].string, OrderAnswer.isID(id) else {
                    throw OrderAnswer.bad("an order list entry without a valid order_id")
                }
                if seen.insert(id).inserted { ids.append(id) }
                if let updated = order["updated_at"].string.flatMap(PlatformTime.seconds) { last = max(last, updated) }
            }
            pages += 1
            guard orders.count == Self.listPageSize else { return (ids, to) }
            guard pages < OrderAnswer.maxPagesPerWindow else { throw OrderAnswer.bad("/orders/get kept answering full pages") }
            // A platform time past `to` (a clock gone wrong) must not push the watermark ahead.
            if ids.count >= OrderAnswer.maxIDsPerPull { return (ids, min(last, to)) }
            offset += Self.listPageSize
            if offset + Self.listPageSize > Self.maxOffset {
                // Past Lazada's offset limit: start again from the last update time seen.
                guard last > after else { throw OrderAnswer.bad("more than \(Self.maxOffset) orders changed in one second") }
                after = last
                offset = 0
            }
        }
    }

    /// One order and its items, every field checked.
    static func order(_ header: JSONValue, items: [JSONValue]) throws(MarketplaceError) -> PlatformOrder {
        guard let id = header["order_id"].string, OrderAnswer.isID(id) else { throw OrderAnswer.bad("an order without a valid order_id") }
        guard (1...(PlatformOrder.maxLines * 10)).contains(items.count) else {
            throw OrderAnswer.bad("order \(id) has \(items.count) items")
        }
        var updateTime = header["updated_at"].string.flatMap(PlatformTime.seconds) ?? 0
        var statuses: [String] = []
        // Units of one SKU fold into one line, in the order they first appear.
        var lines: [PlatformOrderLine] = []
        var counted: [String: Int] = [:]
        for item in items {
            guard var status = item["status"].string, OrderAnswer.isID(status) else {
                throw OrderAnswer.bad("order \(id) has an item without a status")
            }
            // Cancelled because delivery failed: the parcel left and is coming back (§2.1).
            if status == "canceled", (item["cancel_return_initiator"].string ?? "").hasPrefix("cancellation-failed") {
                status = "failed_delivery"
            }
            statuses.append(status)
            if let updated = item["updated_at"].string.flatMap(PlatformTime.seconds) { updateTime = max(updateTime, updated) }
            guard let itemID = Self.itemID(item) else { throw OrderAnswer.bad("order \(id) has an item without its product id") }
            guard let paid = item["paid_price"].double ?? item["item_price"].double, paid.isFinite,
                (0...Double(PlatformOrder.maxUnitPrice)).contains(paid)
            else { throw OrderAnswer.bad("order \(id) has a price out of range") }
            let sellerSKU = item["sku"].string.flatMap { $0.isEmpty ? nil : String($0.prefix(64)) }
            let key = itemID + ":" + (item["sku_id"].string ?? sellerSKU ?? "")
            let index: Int
            if let known = counted[key] {
                guard lines[known].quantity < PlatformOrder.maxQuantity else { throw OrderAnswer.bad("order \(id) has too many units") }
                lines[known].quantity += 1
                index = known
            } else {
                index = lines.count
                counted[key] = index
                lines.append(PlatformOrderLine(key: key, itemID: itemID, sellerSKU: sellerSKU, quantity: 1, unitPrice: Int(paid.rounded())))
            }
            // A unit cancelled before it left (the seller cancels per item up to ready_to_ship).
            if status == "canceled" { lines[index].cancelled += 1 }
        }
        guard lines.count <= PlatformOrder.maxLines, updateTime > 0 else {
            throw OrderAnswer.bad("order \(id) without updated_at, or with too many lines")
        }
        let summary = Self.summary(statuses)
        return PlatformOrder(externalID: id, status: summary, state: stockState(statuses), updateTime: updateTime, lines: lines)
    }

    /// The listing's item id: `product_id` where Lazada gives it, else the part of `shop_sku`
    /// before `_` ("{item_id}_VNAMZ-{sku_id}").
    static func itemID(_ item: JSONValue) -> String? {
        if let product = item["product_id"].string, OrderAnswer.isID(product) { return product }
        guard let shopSKU = item["shop_sku"].string, let head = shopSKU.split(separator: "_").first else { return nil }
        let id = String(head)
        return OrderAnswer.isID(id) ? id : nil
    }

    /// The order's statuses in one word for people: one status, or them all joined ("canceled+shipped").
    static func summary(_ statuses: [String]) -> String {
        var unique: [String] = []
        for status in statuses where !unique.contains(status) { unique.append(status) }
        return String(unique.joined(separator: "+").prefix(64))
    }

    static let sold: Set<String> = [
        "pending", "packed", "repacked", "topack", "toship", "ready_to_ship", "shipped", "shipping", "delivered", "confirmed",
    ]
    static let coming: Set<String> = ["failed", "failed_delivery", "shipped_back", "shipped_back_success", "returned"]
    static let gone: Set<String> = ["lost", "lost_by_3pl", "damaged_by_3pl", "package_scrapped", "shipped_back_failed"]

    /// §2.2's table, for the whole order (our stock moves per order), leaving cancelled units aside:
    /// all cancelled gives the stock back; all coming back waits for staff; all lost is written off;
    /// all unpaid is a hold; anything else with a unit sold or on its way is a sale. Units cancelled
    /// on their own are counted on their line (`cancelled`) and go back to the shelf by themselves;
    /// part of a parcel coming back is never restocked by itself: staff count what came back
    /// (decisions.md).
    static func stockState(_ statuses: [String]) -> OrderStockState? {
        let all = Set(statuses)
        let live = all.subtracting(["canceled"])
        if live.isEmpty { return all.isEmpty ? nil : .cancelled }
        if live.isSubset(of: coming) { return .returnExpected }
        if live.isSubset(of: gone) { return .lost }
        if live == ["unpaid"] { return .placed }
        if !live.isDisjoint(with: sold.union(coming).union(gone)) { return .sold }
        // Words we do not know change nothing until the order is fetched again.
        return nil
    }
}

/// A Lazada push (§2.3): `Authorization` is the lowercase hex HMAC-SHA256 of `app_key + raw body`
/// with the app secret; message type 0 (trade order) and 10 (reverse order) name an order.
public enum LazadaPush {
    public static func isSigned(_ authorization: String?, body: [UInt8], appKey: String, appSecret: String) -> Bool {
        guard let authorization else { return false }
        return HMACHex.equal(authorization, LazadaSigner.pushSignature(appSecret: appSecret, appKey: appKey, body: body))
    }

    /// The seller a push is about (`seller_id`), as text.
    public static func sellerID(_ body: [UInt8]) -> String? {
        JSONBody.decode(body)?["seller_id"].string
    }

    /// The order a type 0 or 10 push is about (`data.trade_order_id`), or nil for other types.
    public static func orderID(_ body: [UInt8]) -> String? {
        guard let json = JSONBody.decode(body), let type = json["message_type"].int, type == 0 || type == 10,
            let id = json["data"]["trade_order_id"].string, OrderAnswer.isID(id)
        else { return nil }
        return id
    }
}
