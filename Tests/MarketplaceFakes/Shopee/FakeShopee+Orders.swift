import Foundation
public import OCOPMarketplaces

/// One order of the fake shop, as `get_order_detail` describes it.
public struct FakeShopeeOrder: Sendable {
    public struct Item: Sendable {
        public var itemID: String
        public var modelID: String = "0"
        public var sku: String = ""
        public var quantity: Int
        public var price: Int

        public init(itemID: String, modelID: String = "0", sku: String = "", quantity: Int, price: Int) {
            self.itemID = itemID
            self.modelID = modelID
            self.sku = sku
            self.quantity = quantity
            self.price = price
        }
    }

    public var sn: String
    public var status: String
    public var updateTime: Int64
    public var items: [Item]
    /// The package's `logistics_status` (e.g. LOGISTICS_NOT_START, LOGISTICS_LOST).
    public var logistics: String
}

/// The fake shop's orders.
public typealias FakeShopeeOrders = FakeOrderBook<FakeShopeeOrder>

extension FakeShopee {
    /// A buyer places an order (UNPAID until paid).
    @discardableResult
    public func placeOrder(
        _ sn: String, items: [FakeShopeeOrder.Item], status: String = "UNPAID", updateTime: Int64? = nil
    ) -> FakeShopeeOrder {
        let order = FakeShopeeOrder(
            sn: sn, status: status, updateTime: updateTime ?? orders.next(after: core.nowSeconds), items: items,
            logistics: "LOGISTICS_NOT_START")
        orders.put(order, id: order.sn)
        return order
    }

    /// The order moves on the platform (paid, shipped, cancelled…).
    @discardableResult
    public func setStatus(_ sn: String, _ status: String, logistics: String? = nil) -> FakeShopeeOrder? {
        let time = orders.next(after: core.nowSeconds)
        return orders.update(sn) { order in
            order.status = status
            order.updateTime = time
            if let logistics { order.logistics = logistics }
        }
    }

    /// The code-3 push Shopee sends about the order as it is now, and its `Authorization` for `url`.
    public func push(_ sn: String, to url: String, status: String? = nil, updateTime: Int64? = nil) -> (
        body: [UInt8], authorization: String
    ) {
        let order = orders[sn]
        let body = Array(
            """
            {"msg_id":"fake-\(core.nextNumber())","data":{"completed_scenario":"","items":[],"ordersn":"\(sn)",\
            "status":"\(status ?? order?.status ?? "UNPAID")","update_time":\(updateTime ?? order?.updateTime ?? 0)},\
            "shop_id":\(Self.shopID),"code":3,"timestamp":\(core.nowSeconds)}
            """.utf8)
        return (body, ShopeeSigner.pushSignature(partnerKey: Self.partnerKey, callbackURL: url, body: body))
    }

    /// `GET /api/v2/order/get_order_list` by `update_time`: at most 15 days a call, 1–100 a page,
    /// `more` and `next_cursor` ("" on the last page), as Shopee answers.
    func orderList(_ request: FakeRequest) -> FakeReply {
        guard request.method == "GET" else { return error(405, "error_method", "Method not allowed.") }
        guard request.queryValue("time_range_field") == "update_time" || request.queryValue("time_range_field") == "create_time",
            let from = request.queryValue("time_from").flatMap({ Int64($0) }),
            let to = request.queryValue("time_to").flatMap({ Int64($0) })
        else { return error(400, "error_param", "time_range_field, time_from and time_to are required.", namespace: "order") }
        guard from <= to, to - from <= 15 * 86_400 else {
            return error(
                400, "order_list_invalid_time", "Start time must be earlier than end time and diff in 15days.", namespace: "order")
        }
        guard let size = request.queryValue("page_size").flatMap({ Int($0) }), (1...100).contains(size) else {
            return error(400, "error_param", "page_size must be from 1 to 100.", namespace: "order")
        }
        let offset = Int(request.queryValue("cursor") ?? "") ?? 0
        let matching = orders.all.filter { (from...to).contains($0.updateTime) }.sorted { ($0.updateTime, $0.sn) < ($1.updateTime, $1.sn) }
        let page = matching.dropFirst(offset).prefix(size)
        let more = offset + page.count < matching.count
        return success([
            "more": more, "next_cursor": more ? String(offset + page.count) : "",
            "order_list": page.map { ["order_sn": $0.sn, "order_status": $0.status] },
        ])
    }

    /// `GET /api/v2/order/get_order_detail`: 1–50 order numbers; line items and packages only when
    /// asked for in `response_optional_fields`, as Shopee does. Unknown numbers are left out.
    func orderDetail(_ request: FakeRequest) -> FakeReply {
        guard request.method == "GET" else { return error(405, "error_method", "Method not allowed.") }
        let list = (request.queryValue("order_sn_list") ?? "").split(separator: ",").map(String.init)
        guard (1...50).contains(list.count) else {
            return error(400, "error_param", "order_sn_list must name 1 to 50 orders.", namespace: "order")
        }
        let optional = Set((request.queryValue("response_optional_fields") ?? "").split(separator: ",").map(String.init))
        let found: [[String: Any]] = list.compactMap { orders[$0] }.map { order in
            var json: [String: Any] = [
                "order_sn": order.sn, "region": "VN", "currency": "VND", "cod": false, "order_status": order.status,
                "create_time": order.updateTime, "update_time": order.updateTime,
            ]
            if optional.contains("item_list") {
                json["item_list"] = order.items.map { item -> [String: Any] in
                    [
                        "item_id": Int(item.itemID) ?? 0, "item_sku": "", "model_id": Int(item.modelID) ?? 0,
                        "model_sku": item.sku, "model_quantity_purchased": item.quantity,
                        "model_original_price": item.price, "model_discounted_price": item.price,
                    ]
                }
            }
            if optional.contains("package_list") {
                json["package_list"] = [["package_number": "PKG-\(order.sn)", "logistics_status": order.logistics]]
            }
            if optional.contains("total_amount") {
                json["total_amount"] = order.items.reduce(0) { $0 + $1.quantity * $1.price }
            }
            return json
        }
        return success(["order_list": found])
    }
}
