import Foundation
public import OCOPMarketplaces

/// One order of the fake Lazada shop: one item per unit, each with its own status, as Lazada keeps them.
public struct FakeLazadaOrder: Sendable {
    public struct Unit: Sendable {
        public var itemID: String
        public var skuID: String
        public var sellerSKU: String
        public var price: Int
        public var status: String
        public var updatedAt: Int64
    }

    public var id: String
    public var units: [Unit]
    public var updatedAt: Int64
}

/// The fake shop's orders.
public typealias FakeLazadaOrders = FakeOrderBook<FakeLazadaOrder>

extension FakeLazada {
    /// A line a buyer orders: `quantity` units of the listing `itemID`.
    public struct Line: Sendable {
        public var itemID: String
        public var sellerSKU: String
        public var quantity: Int
        public var price: Int

        public init(itemID: String, sellerSKU: String, quantity: Int, price: Int) {
            self.itemID = itemID
            self.sellerSKU = sellerSKU
            self.quantity = quantity
            self.price = price
        }
    }

    /// A buyer places an order (`unpaid` until paid).
    @discardableResult
    public func placeOrder(_ id: String, lines: [Line], status: String = "unpaid") -> FakeLazadaOrder {
        let time = orders.next(after: core.nowSeconds)
        let units = lines.flatMap { line in
            (0..<line.quantity).map { _ in
                FakeLazadaOrder.Unit(
                    itemID: line.itemID, skuID: "5\(line.itemID)", sellerSKU: line.sellerSKU, price: line.price, status: status,
                    updatedAt: time)
            }
        }
        let order = FakeLazadaOrder(id: id, units: units, updatedAt: time)
        orders.put(order, id: order.id)
        return order
    }

    /// Units of the order move on the platform: all of them, or `units` of them from the `first`.
    @discardableResult
    public func setStatus(_ id: String, _ status: String, units: Int? = nil, first: Int = 0) -> FakeLazadaOrder? {
        let time = orders.next(after: core.nowSeconds)
        return orders.update(id) { order in
            for index in order.units.indices.dropFirst(first).prefix(units ?? order.units.count) {
                order.units[index].status = status
                order.units[index].updatedAt = time
            }
            order.updatedAt = time
        }
    }

    /// The type-0 push Lazada sends about the order's first unit, and its `Authorization`.
    public func push(_ id: String, sellerID: String = "1000123") -> (body: [UInt8], authorization: String) {
        let order = orders[id]
        let body = Array(
            """
            {"seller_id":"\(sellerID)","message_type":0,"data":{"order_status":"\(order?.units.first?.status ?? "unpaid")",\
            "trade_order_id":"\(id)","trade_order_line_id":"\(id)1","status_update_time":\(order?.updatedAt ?? 0)},\
            "timestamp":\(core.nowSeconds * 1000),"site":"lazada_vn"}
            """.utf8)
        return (body, LazadaSigner.pushSignature(appSecret: Self.appSecret, appKey: Self.appKey, body: body))
    }

    /// Lazada writes times as `2026-11-22 12:00:00 +0700`.
    static func time(_ seconds: Int64) -> String {
        let local = Date(timeIntervalSince1970: TimeInterval(seconds + 7 * 3_600))
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: local) + " +0700"
    }

    /// An ISO 8601 time with an offset, as GetOrders requires (error 17 otherwise).
    static func parseISO(_ text: String) -> Int64? {
        let formatter = ISO8601DateFormatter()
        return formatter.date(from: text).map { Int64($0.timeIntervalSince1970) }
    }

    /// `GET /order/get`: the order, or no data for an order the shop does not have.
    func order(_ id: String?) -> FakeReply {
        guard let id, let order = orders[id] else { return success([:]) }
        return success([
            "order_id": Int(order.id) ?? 0, "order_number": Int(order.id) ?? 0, "statuses": Array(Set(order.units.map(\.status))),
            "created_at": Self.time(order.updatedAt), "updated_at": Self.time(order.updatedAt),
            "items_count": order.units.count, "price": String(order.units.reduce(0) { $0 + $1.price }) + ".00",
        ])
    }

    /// `GET /orders/items/get`: `order_ids` as `[1,2]`, at most 50.
    func orderItems(_ list: String?) -> FakeReply {
        guard let list, list.hasPrefix("["), list.hasSuffix("]") else { return error("ISV", "E056", "Invalid order ids list format") }
        let ids = list.dropFirst().dropLast().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard (1...50).contains(ids.count) else { return error("ISV", "E038", "Too many orders") }
        let found = ids.compactMap { orders[$0] }
        guard !found.isEmpty else { return error("ISV", "E039", "No orders found") }
        return success(
            found.map { order -> [String: Any] in
                [
                    "order_id": Int(order.id) ?? 0, "order_number": Int(order.id) ?? 0,
                    "order_items": order.units.enumerated().map { index, unit -> [String: Any] in
                        [
                            "order_item_id": Int("\(order.id)\(index)") ?? index, "order_id": Int(order.id) ?? 0,
                            "status": unit.status, "sku": unit.sellerSKU, "sku_id": unit.skuID,
                            "shop_sku": "\(unit.itemID)_VNAMZ-\(unit.skuID)", "name": "OCOP",
                            "item_price": "\(unit.price).00", "paid_price": "\(unit.price).00", "currency": "VND",
                            "created_at": Self.time(order.updatedAt), "updated_at": Self.time(unit.updatedAt),
                        ]
                    },
                ]
            })
    }

    /// `GET /orders/get` by update time: ISO 8601 bounds, 1–100 a page, offsets up to 5,000.
    func orderList(_ value: (String) -> String?) -> FakeReply {
        guard let after = value("update_after").flatMap(Self.parseISO) else {
            return error("ISV", "E017", "Invalid Date Format")
        }
        let before = value("update_before").flatMap(Self.parseISO) ?? Int64.max
        guard let limit = value("limit").flatMap(Int.init), (1...100).contains(limit) else {
            return error("ISV", "E019", "Invalid Limit")
        }
        let offset = value("offset").flatMap(Int.init) ?? 0
        guard (0...5_000).contains(offset) else { return error("ISV", "E014", "Invalid Offset") }
        let matching = orders.all.filter { $0.updatedAt >= after && $0.updatedAt <= before }
            .sorted { ($0.updatedAt, $0.id) < ($1.updatedAt, $1.id) }
        let page = matching.dropFirst(offset).prefix(limit)
        return success([
            "countTotal": matching.count, "count": page.count,
            "orders": page.map { ["order_id": Int($0.id) ?? 0, "updated_at": Self.time($0.updatedAt), "statuses": Array(Set($0.units.map(\.status)))] },
        ])
    }
}
