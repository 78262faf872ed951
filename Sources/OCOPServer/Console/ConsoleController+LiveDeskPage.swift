import Hummingbird
import OCOPDomain
import OCOPStorage

/// The live desk's page: the session and its buttons, the products with what is left to sell, the
/// paste box, the orders with their hold countdown and forms, and the session's report.
extension ConsoleController {
    func renderLiveDesk(
        _ request: Request, _ context: AppRequestContext, session: LivestreamRecord, status: HTTPResponse.Status,
        error: String? = nil
    ) async throws -> Response {
        let page = page(request, context)
        let language = page.language
        let word = { (key: String) in ConsoleWords.word(key, language) }
        let path = "/console/livestreams/\(session.slug)"
        var values = page.context(title: word("live_desk") + " · " + session.title, path: path)
        values["heading"] = session.title
        values["status"] = session.status
        values["status_label"] = word("live_" + session.status)
        values["times"] = ShowroomFormat.localTime(session.startsAt, language) + " – " + ShowroomFormat.localTime(session.endsAt, language)
        values["platform"] = session.platform
        values["hold_minutes"] = session.holdMinutes
        if let error { values["error"] = error }
        let query = request.uri.queryParameters
        if let read = query.get("read"), let orders = query.get("orders") {
            values["pasted"] = word("comments_read") + " \(read) · " + word("orders_formed") + " \(orders)"
        }
        if let number = query.get("confirmed") { values["notice"] = word("order_confirmed") + " #\(number)" }
        if let number = query.get("cancelled") { values["notice"] = word("order_cancelled") + " #\(number)" }
        let current = LivestreamStatus(rawValue: session.status) ?? .scheduled
        values["buttons"] = [LivestreamStatus.live, .ended, .cancelled].filter(current.canBecome).map { next -> [String: Any] in
            ["status": next.rawValue, "label": word("make_" + next.rawValue), "danger": next != .live, "key": Self.newKey()]
        }
        values["status_action"] = page.link(path + "/status")
        values["takes_comments"] = current.takesOrders
        values["comments_action"] = page.link(path + "/comments")
        values["comments_key"] = Self.newKey()

        let now = clock.now()
        let skus = catalog.snapshot().skus
        let report = try await livestreamStore.report(session.slug, at: now)
        let free = try await livestreamStore.freeUnits(point: session.point, skus: session.products.map(\.sku), at: now)
        let reported = Dictionary(report.products.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
        values["products"] = session.products.map { product -> [String: Any] in
            var row: [String: Any] = [
                "code": product.code, "name": skus.name(product.sku), "price": ShowroomFormat.price(product.livePrice, language),
                "free": free[product.sku] ?? 0,
            ]
            if let list = skus.price(product.sku) { row["list_price"] = ShowroomFormat.price(list, language) }
            if let quota = product.quota { row["quota"] = quota }
            if let line = reported[product.code] {
                row["held"] = line.unitsHeld
                row["confirmed"] = line.unitsConfirmed
            }
            return row
        }
        let orders = try await livestreamStore.orders(session.slug, status: nil, at: now)
        values["orders"] = orders.map { order in
            LiveOrderRow(order: order, now: now).context(page, actions: path + "/orders/\(order.id)", key: Self.newKey())
        }
        values["has_orders"] = !orders.isEmpty
        values["payments"] = PaymentMethod.recordable.map { method -> [String: Any] in
            ["value": method.rawValue, "label": word("pay_" + method.rawValue), "selected": method == .cashOnDelivery]
        }
        values["report"] = [
            ["label": word("comments_read"), "value": report.commentsRead],
            ["label": word("order_comments"), "value": report.orderComments],
            ["label": word("orders_formed"), "value": report.ordersCreated],
            ["label": word("orders_confirmed"), "value": report.ordersConfirmed],
            ["label": word("orders_cancelled"), "value": report.ordersCancelled],
            ["label": word("orders_expired"), "value": report.ordersExpired],
            ["label": word("orders_open"), "value": report.ordersOpen],
            ["label": word("units_confirmed"), "value": report.unitsConfirmed],
            ["label": word("revenue"), "value": ShowroomFormat.price(report.revenue, language)],
        ]
        return html(request, status, templates.render("console-live-desk", values))
    }
}

/// One order as the desk shows it.
struct LiveOrderRow {
    let order: LiveOrderRecord
    let now: Moment

    func context(_ page: ConsolePage, actions: String, key: String) -> [String: Any] {
        let language = page.language
        var row: [String: Any] = [
            "id": order.id, "number": order.number, "buyer": order.buyerName, "phone": order.phone,
            "status": order.status, "status_label": ConsoleWords.word("order_" + order.status, language),
            "total": ShowroomFormat.price(order.total, language),
            "lines": order.lines.map { "\($0.code) × \($0.quantity)" }.joined(separator: ", "),
            "csrf": page.csrf, "key": key, "cancel_key": ConsoleController.newKey(),
        ]
        if let address = order.address { row["address"] = address }
        if let receipt = order.receiptNumber { row["receipt"] = receipt }
        if order.status == "held", let expires = ISOTimestamp.moment(order.expiresAt) {
            let seconds = max(0, (expires.unixMilliseconds - now.unixMilliseconds + 999) / 1000)
            row["expires_at"] = order.expiresAt
            row["countdown"] = String(format2(seconds / 60)) + ":" + format2(seconds % 60)
            row["confirm_action"] = page.link(actions + "/confirm")
            row["cancel_action"] = page.link(actions + "/cancel")
        }
        return row
    }

    private func format2(_ value: Int64) -> String { value < 10 ? "0\(value)" : String(value) }
}
