public import OCOPDomain

/// Tiki orders (MARKETPLACE-ORDERS.md §4): the order list by `updated_at` (Vietnam time, 50 a page,
/// `page` from 1 to `last_page`) and each order's detail. Orders Tiki has not accepted yet
/// (`waiting_payment`, `payment_review`, `processing`) mean nothing to stock; items Tiki keeps in
/// its own warehouses (`instock`) are not a display point's.
extension TikiAdapter: MarketplaceOrderSource {
    static let listPageSize = 50

    public func orders(ids: [String], account: MarketplaceAccountContext) async throws(MarketplaceError)
        -> FetchedOrders
    {
        var found = FetchedOrders()
        for id in ids where OrderAnswer.isID(id) {
            // The history comes only when asked for; a cancel's meaning depends on it.
            let answer = try await call(
                "GET", "/integration/v2/orders/\(id)", nil, query: [("include", "status_histories")], account: account)
            if answer["code"].exists { found.read(id) { () throws(MarketplaceError) in try Self.order(answer) } }
        }
        return found
    }

    public func changedOrders(from: Int64, to: Int64, account: MarketplaceAccountContext) async throws(MarketplaceError)
        -> (ids: [String], through: Int64)
    {
        var ids: [String] = []
        var seen: Set<String> = []
        var page = 1
        while true {
            let answer = try await call(
                "GET", "/integration/v2/orders", nil,
                query: [
                    ("page", String(page)), ("limit", String(Self.listPageSize)), ("order_by", "updated_at|asc"),
                    ("updated_from_date", TikiTime.text(from)), ("updated_to_date", TikiTime.text(to)),
                ], account: account)
            for order in answer["data"].array {
                guard let id = order["code"].string, OrderAnswer.isID(id) else {
                    throw OrderAnswer.bad("an order list entry without a valid code")
                }
                if seen.insert(id).inserted { ids.append(id) }
            }
            let last = answer["paging"]["last_page"].int ?? 0
            guard page < last, !answer["data"].array.isEmpty else { return (ids, to) }
            // Every page to the last: the list's times are Tiki's local text, so a partial pull has no
            // safe place to stop the watermark at.
            guard page < OrderAnswer.maxPagesPerWindow else { throw OrderAnswer.bad("the order list kept answering pages") }
            page += 1
        }
    }

    /// One order, every field checked. Lines are the items of the seller's own stock.
    static func order(_ json: JSONValue) throws(MarketplaceError) -> PlatformOrder {
        guard let id = json["code"].string, OrderAnswer.isID(id) else { throw OrderAnswer.bad("an order without a valid code") }
        guard let status = json["status"].string, OrderAnswer.isID(status),
            let updateTime = json["updated_at"].string.flatMap(TikiTime.seconds)
        else { throw OrderAnswer.bad("order \(id) without status or updated_at") }
        let items = json["items"].array
        guard (1...PlatformOrder.maxLines).contains(items.count) else { throw OrderAnswer.bad("order \(id) has \(items.count) items") }
        var lines: [PlatformOrderLine] = []
        for item in items where item["product"]["inventory_type"].string != "instock" {
            guard let product = item["product"]["id"].string, OrderAnswer.isID(product),
                let quantity = item["qty"].int, (1...PlatformOrder.maxQuantity).contains(quantity)
            else { throw OrderAnswer.bad("order \(id) has an item without a product id or a quantity from 1 to \(PlatformOrder.maxQuantity)") }
            // What the customer pays for the line, per unit; the list price when Tiki gives no total.
            let total = item["invoice"]["row_total"].double ?? item["price"].double.map { $0 * Double(quantity) } ?? -1
            guard total.isFinite, (0...Double(PlatformOrder.maxUnitPrice) * Double(quantity)).contains(total) else {
                throw OrderAnswer.bad("order \(id) has a price out of range")
            }
            let sku = item["product"]["seller_product_code"].string.flatMap { $0.isEmpty ? nil : String($0.prefix(64)) }
            lines.append(
                PlatformOrderLine(
                    key: item["id"].string ?? product, itemID: product, sellerSKU: sku, quantity: quantity,
                    unitPrice: Int((total / Double(quantity)).rounded())))
        }
        let history = Set(json["status_histories"].array.compactMap { $0["status"].string })
        return PlatformOrder(
            externalID: id, status: status, state: lines.isEmpty ? nil : stockState(status: status, history: history),
            updateTime: updateTime, lines: lines)
    }

    static let sold: Set<String> = [
        "packaging", "finished_packing", "picking", "ready_to_ship", "handover_to_partner", "shipping", "delivered",
        "successful_delivery", "complete",
    ]
    /// Once a parcel reached these, a cancel brings it back through staff.
    static let handedOver: Set<String> = ["handover_to_partner", "shipping", "delivered", "successful_delivery"]

    /// §4.2's table.
    static func stockState(status: String, history: Set<String>) -> OrderStockState? {
        if status == "queueing" { return .placed }
        if sold.contains(status) { return .sold }
        if status == "returned" { return .returnExpected }
        if status == "canceled" { return history.isDisjoint(with: handedOver) ? .cancelled : .returnExpected }
        // waiting_payment, payment_review, processing, paid (not accepted by Tiki yet), holded, closed.
        return nil
    }
}

/// Tiki writes `yyyy-MM-dd HH:mm:ss`; read here as Vietnam time (Tiki's time zone is UNVERIFIED).
enum TikiTime {
    static func text(_ seconds: Int64) -> String {
        String(PlatformTime.iso(seconds).prefix(19)).replacing("T", with: " ")
    }

    static func seconds(_ text: String) -> Int64? {
        guard text.utf8.count == 19 else { return PlatformTime.seconds(text) }
        return PlatformTime.seconds(text + " +0700")
    }
}
