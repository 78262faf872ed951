import Foundation
public import OCOPMarketplaces

/// One order of the fake TikTok shop: one line item per unit, as TikTok Shop lists them.
public struct FakeTikTokOrder: Sendable {
    public struct Unit: Sendable {
        public var productID: String
        public var sellerSKU: String
        public var price: Int
        /// Cancelled on its own while the order goes on (its package not fulfilled yet).
        public var cancelled = false
    }

    public var id: String
    public var status: String
    public var packageStatus: String
    public var units: [Unit]
    public var updateTime: Int64
}

/// The fake shop's orders.
public typealias FakeTikTokOrders = FakeOrderBook<FakeTikTokOrder>

extension FakeTikTokShop {
    public static let shopID = "7494049642642441621"

    /// A buyer orders `quantity` units of the product `productID` (UNPAID until paid).
    @discardableResult
    public func placeOrder(_ id: String, productID: String, sellerSKU: String, quantity: Int, price: Int, status: String = "UNPAID")
        -> FakeTikTokOrder
    {
        let order = FakeTikTokOrder(
            id: id, status: status, packageStatus: "TO_FULFILL",
            units: (0..<quantity).map { _ in FakeTikTokOrder.Unit(productID: productID, sellerSKU: sellerSKU, price: price) },
            updateTime: orders.next(after: core.nowSeconds))
        orders.put(order, id: order.id)
        return order
    }

    @discardableResult
    public func setStatus(_ id: String, _ status: String, packageStatus: String? = nil) -> FakeTikTokOrder? {
        let time = orders.next(after: core.nowSeconds)
        return orders.update(id) { order in
            order.status = status
            if let packageStatus { order.packageStatus = packageStatus }
            order.updateTime = time
        }
    }

    /// The buyer or seller cancels `units` line items while the rest of the order goes on.
    @discardableResult
    public func cancelUnits(_ id: String, _ units: Int) -> FakeTikTokOrder? {
        let time = orders.next(after: core.nowSeconds)
        return orders.update(id) { order in
            for index in order.units.indices.prefix(units) { order.units[index].cancelled = true }
            order.updateTime = time
        }
    }

    /// The type-1 webhook about the order as it is now (TikTok spells a cancel `CANCEL` there), and its `Authorization`.
    public func push(_ id: String) -> (body: [UInt8], authorization: String) {
        let order = orders[id]
        let status = order?.status == "CANCELLED" ? "CANCEL" : order?.status ?? "UNPAID"
        let body = Array(
            """
            {"type":1,"tts_notification_id":"\(core.nextNumber())","shop_id":"\(Self.shopID)","timestamp":\(core.nowSeconds),\
            "data":{"order_id":"\(id)","order_status":"\(status)","is_on_hold_order":false,"update_time":\(order?.updateTime ?? 0)}}
            """.utf8)
        return (body, TikTokSigner.webhookSignature(appSecret: Self.appSecret, appKey: Self.appKey, body: body))
    }

    func orderJSON(_ order: FakeTikTokOrder) -> [String: Any] {
        [
            "id": order.id, "status": order.status, "create_time": order.updateTime, "update_time": order.updateTime,
            "fulfillment_type": "FULFILLMENT_BY_SELLER",
            "payment": ["currency": "VND", "total_amount": String(order.units.reduce(0) { $0 + $1.price })],
            "line_items": order.units.enumerated().map { index, unit -> [String: Any] in
                [
                    "id": "\(order.id)\(index)", "product_id": unit.productID, "sku_id": "9\(unit.productID)",
                    "seller_sku": unit.sellerSKU, "display_status": unit.cancelled ? "CANCELLED" : order.status,
                    "package_status": unit.cancelled ? "TO_FULFILL" : order.packageStatus,
                    "sale_price": String(unit.price), "original_price": String(unit.price), "is_gift": false,
                ]
            },
        ]
    }

    /// `GET /order/202309/orders?ids=…`: 1–50 ids; unknown ones are left out.
    func orderDetail(_ request: FakeRequest) -> FakeReply {
        let ids = (request.queryValue("ids") ?? "").split(separator: ",").map(String.init)
        guard (1...50).contains(ids.count) else { return error(400, 36009004, "ids must name 1 to 50 orders.") }
        return success(["orders": ids.compactMap { orders[$0] }.map(orderJSON)])
    }

    /// `POST /order/202309/orders/search`: by `update_time_ge`/`_lt` in the body, 1–100 a page, `next_page_token`.
    func orderSearch(_ request: FakeRequest) -> FakeReply {
        guard let size = request.queryValue("page_size").flatMap(Int.init), (1...100).contains(size) else {
            return error(400, 36009004, "page_size must be from 1 to 100.")
        }
        let body = JSONBody.decode(request.body)
        let from = Int64(body?["update_time_ge"].int ?? 0)
        let until = Int64(body?["update_time_lt"].int ?? Int(core.nowSeconds) + 1)
        let offset = Int(request.queryValue("page_token") ?? "") ?? 0
        let matching = orders.all.filter { $0.updateTime >= from && $0.updateTime < until }
            .sorted { ($0.updateTime, $0.id) < ($1.updateTime, $1.id) }
        let page = Array(matching.dropFirst(offset).prefix(size))
        let more = offset + page.count < matching.count
        return success([
            "total_count": matching.count, "next_page_token": more ? String(offset + page.count) : "",
            "orders": page.map(orderJSON),
        ])
    }
}
