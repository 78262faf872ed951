import Foundation
public import OCOPMarketplaces
import Synchronization

/// One order of the fake Tiki shop.
public struct FakeTikiOrder: Sendable {
    public var code: String
    public var status: String
    public var history: [String]
    public var productID: String
    public var sellerSKU: String
    public var quantity: Int
    public var price: Int
    public var inventoryType: String
    public var updatedAt: Int64
}

/// The fake shop's orders.
public typealias FakeTikiOrders = FakeOrderBook<FakeTikiOrder>

extension FakeTiki {
    /// A buyer orders `quantity` units; Tiki accepts it (`queueing`) unless told otherwise.
    @discardableResult
    public func placeOrder(
        _ code: String, productID: String, sellerSKU: String, quantity: Int, price: Int, status: String = "queueing",
        inventoryType: String = "backorder"
    ) -> FakeTikiOrder {
        let order = FakeTikiOrder(
            code: code, status: status, history: [status], productID: productID, sellerSKU: sellerSKU, quantity: quantity,
            price: price, inventoryType: inventoryType, updatedAt: orders.next(after: core.nowSeconds))
        orders.put(order, id: order.code)
        // Tiki's queue tells of an order once Tiki accepts it (`queueing`), and of every change after.
        if status != "waiting_payment" {
            queue.add(type: "ORDER_CREATED_SUCCESSFULLY", orderCode: code, status: status, at: core.nowSeconds * 1000)
        }
        return order
    }

    @discardableResult
    public func setStatus(_ code: String, _ status: String) -> FakeTikiOrder? {
        let time = orders.next(after: core.nowSeconds)
        let order = orders.update(code) { order in
            order.status = status
            order.history.append(status)
            order.updatedAt = time
        }
        if order != nil { queue.add(type: "ORDER_STATUS_UPDATED", orderCode: code, status: status, at: core.nowSeconds * 1000) }
        return order
    }

    /// The order list answers nothing, as if Tiki's list had missed the changes (its times are
    /// local text): what comes in then came through the event queue.
    public func hideOrdersFromTheList(_ hidden: Bool) { listHidden.withLock { $0 = hidden } }

    /// Tiki writes times as `yyyy-MM-dd HH:mm:ss` (read as Vietnam time).
    static func time(_ seconds: Int64) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 7 * 3_600)
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

    static func seconds(_ text: String) -> Int64? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 7 * 3_600)
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.date(from: text).map { Int64($0.timeIntervalSince1970) }
    }

    func orderJSON(_ order: FakeTikiOrder, history: Bool = false) -> [String: Any] {
        var json: [String: Any] = [
            "code": order.code, "status": order.status, "fulfillment_type": "dropship",
            "created_at": Self.time(order.updatedAt), "updated_at": Self.time(order.updatedAt),
            "items": [
                [
                    "id": Int(order.code) ?? 1, "qty": order.quantity, "price": order.price,
                    "product": [
                        "id": Int(order.productID) ?? 0, "sku": "TK\(order.productID)", "seller_product_code": order.sellerSKU,
                        "inventory_type": order.inventoryType,
                    ],
                    "invoice": ["quantity": order.quantity, "row_total": order.price * order.quantity],
                ]
            ],
        ]
        // As Tiki: the history only when `include` asks for it.
        if history { json["status_histories"] = order.history.map { ["status": $0] } }
        return json
    }

    /// `GET /integration/v2/orders`: by `updated_from_date`/`updated_to_date`, `page` from 1, `limit`.
    func orderList(_ request: FakeRequest) -> FakeReply {
        guard let from = request.queryValue("updated_from_date").flatMap(Self.seconds),
            let to = request.queryValue("updated_to_date").flatMap(Self.seconds)
        else { return errors(400, "updated_from_date and updated_to_date must be yyyy-MM-dd HH:mm:ss") }
        let limit = request.queryValue("limit").flatMap(Int.init) ?? 20
        let page = request.queryValue("page").flatMap(Int.init) ?? 1
        guard (1...100).contains(limit), page >= 1 else { return errors(400, "bad page or limit") }
        let matching = listHidden.withLock { $0 } ? [] : orders.all.filter { $0.updatedAt >= from && $0.updatedAt <= to }
            .sorted { ($0.updatedAt, $0.code) < ($1.updatedAt, $1.code) }
        let slice = Array(matching.dropFirst((page - 1) * limit).prefix(limit))
        let last = matching.isEmpty ? 0 : (matching.count + limit - 1) / limit
        return .json(
            200,
            [
                "data": slice.map { orderJSON($0) },
                "paging": ["total": matching.count, "current_page": page, "per_page": limit, "last_page": last],
            ])
    }

    /// `GET /integration/v2/orders/{code}` (`include=status_histories` for the history).
    func orderDetail(_ code: String, include: String?) -> FakeReply {
        guard let order = orders[code] else { return errors(404, "Order not found") }
        return .json(200, orderJSON(order, history: (include ?? "").split(separator: ",").contains("status_histories")))
    }
}
