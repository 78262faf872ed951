import Hummingbird
import OCOPDomain
import OCOPStorage

/// Goods between points: the point's transfers on the way out and in, sending from the batches on
/// hand, and receiving an incoming transfer, short if need be (the shortfall stays on record).
extension ConsoleController {
    func addTransferRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("points/:slug/transfers", use: transfers)
        group.post("points/:slug/transfers", use: sendTransfer)
        group.get("points/:slug/transfers/:id", use: transferForm)
        group.post("points/:slug/transfers/:id", use: receiveTransfer)
    }

    /// The open transfers, and the sheet to send more.
    @Sendable func transfers(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await withPoint(request, context) { point in
            let sheet = StockSheet(levels: try await stock.levels(point: point.slug, database), prefillExpected: false)
            return try await renderTransfers(request, context, point: point, sheet: sheet, key: Self.newKey(), status: .ok)
        }
    }

    @Sendable func sendTransfer(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await withPointForm(request, context) { point, form, identity in
            let sheet = try StockSheet(form, expected: try await stock.levels(point: point.slug, database))
            let key = Self.key(in: form)
            do {
                let note = form["note"]?.trimmingWhitespace
                let body = TransferRequest(
                    from: point.slug, to: form["to"] ?? "", note: note?.isEmpty == false ? note : nil,
                    lines: try sheet.batchLines(allowZero: false).map {
                        TransferRequest.Line(sku: $0.sku, batch: $0.batch, quantity: $0.quantity)
                    })
                let operation = stock.transfer(
                    from: point.slug, to: body.to, lines: try body.validated(), note: body.note, actor: identity.actor,
                    at: clock.now())
                _ = try await perform(operation, form: form, key: key, request: request, identity: identity)
                return ConsolePage.redirect(page(request, context).link("/console/points/\(point.slug)/transfers"))
            } catch let error as DomainError {
                return try await renderTransfers(
                    request, context, point: point, sheet: sheet, key: Self.newKey(), status: Problem(error).status,
                    error: error.message)
            }
        }
    }

    @Sendable func transferForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await withPoint(request, context) { point in
            guard let transfer = try await incomingTransfer(context, to: point) else { return notFound(request, context) }
            return try renderTransfer(request, context, point: point, transfer: transfer, entered: nil, key: Self.newKey(), status: .ok)
        }
    }

    /// Each line's `quantity` is what arrived; blank means all of it.
    @Sendable func receiveTransfer(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await withPointForm(request, context) { point, form, identity in
            guard let transfer = try await incomingTransfer(context, to: point) else { return notFound(request, context) }
            let key = Self.key(in: form)
            let entered = form.all("quantity")
            do {
                guard entered.count == transfer.lines.count else {
                    throw DomainError.invalid(field: "lines", "one quantity per line of transfer \(transfer.id)")
                }
                var lines: [TransferReceiptRequest.Line] = []
                for (index, line) in transfer.lines.enumerated() {
                    let text = entered[index].trimmingWhitespace
                    guard let received = text.isEmpty ? line.quantitySent : Int(text) else {
                        throw DomainError.invalid(field: "lines[\(index)].quantity_received", "row \(index + 1): a whole number")
                    }
                    lines.append(.init(sku: line.sku, batch: line.batch, quantityReceived: received))
                }
                let operation = stock.transferReceipt(
                    transfer.id, received: try TransferReceiptRequest(lines: lines).validated(), actor: identity.actor,
                    at: clock.now()
                ) { receiving in
                    guard identity.canManagePoint(receiving) else {
                        throw DomainError(.forbidden, "\(identity.username) may not receive at point '\(receiving)'")
                    }
                }
                _ = try await perform(operation, form: form, key: key, request: request, identity: identity)
                return ConsolePage.redirect(page(request, context).link("/console/points/\(point.slug)/ledger?done=1"))
            } catch let error as DomainError {
                return try renderTransfer(
                    request, context, point: point, transfer: transfer, entered: entered, key: Self.newKey(),
                    status: Problem(error).status, error: error.message)
            }
        }
    }

    /// The transfer named by `:id` when it is on its way to this point.
    private func incomingTransfer(_ context: AppRequestContext, to point: SalePoint) async throws -> TransferRecord? {
        guard let id = Int(try context.pathValue("id")), id > 0,
            let transfer = try await stock.transfer(id, in: database), transfer.to == point.slug
        else { return nil }
        return transfer
    }

    private func renderTransfers(
        _ request: Request, _ context: AppRequestContext, point: SalePoint, sheet: StockSheet, key: String,
        status: HTTPResponse.Status, error: String? = nil
    ) async throws -> Response {
        let open = try await stock.openTransfers(point: point.slug, database)
        let page = page(request, context)
        let pointNames = stockModel.allPoints.reduce(into: [String: String]()) { $0[$1.slug] = $1.name }
        func summary(_ transfer: TransferRecord) -> [String: Any] {
            [
                "id": transfer.id, "from": pointNames[transfer.from] ?? transfer.from, "to": pointNames[transfer.to] ?? transfer.to,
                "units": transfer.lines.reduce(0) { $0 + $1.quantitySent }, "lines": transfer.lines.count,
                "at": ShowroomFormat.localTime(transfer.createdAt, page.language),
                "href": page.link("/console/points/\(point.slug)/transfers/\(transfer.id)"),
            ]
        }
        return try renderSheet(
            request, context, .transfer, point: point, sheet: sheet, key: key, status: status, error: error,
            extra: [
                "outgoing": open.filter { $0.from == point.slug }.map(summary),
                "incoming": open.filter { $0.to == point.slug }.map(summary),
                "has_transfers": !open.isEmpty,
            ])
    }

    private func renderTransfer(
        _ request: Request, _ context: AppRequestContext, point: SalePoint, transfer: TransferRecord, entered: [String]?,
        key: String, status: HTTPResponse.Status, error: String? = nil
    ) throws -> Response {
        let page = page(request, context)
        let language = page.language
        let names = catalog.snapshot().skus
        let path = "/console/points/\(point.slug)/transfers/\(transfer.id)"
        var values = page.context(title: ConsoleWords.word("transfer", language) + " \(transfer.id) · " + point.name, path: path)
        values["heading"] = ConsoleWords.word("transfer", language) + " \(transfer.id)"
        values["point_name"] = point.name
        values["point_href"] = page.link("/console/points/\(point.slug)/transfers")
        values["from"] = stockModel.point(transfer.from)?.name ?? transfer.from
        if let note = transfer.note, !note.isEmpty { values["note"] = note }
        values["action"] = page.link(path)
        values["idempotency_key"] = key
        values["lines"] = transfer.lines.enumerated().map { index, line -> [String: Any] in
            [
                "name": names.name(line.sku), "sku": line.sku, "batch": line.batch, "sent": line.quantitySent,
                "entered": entered.map { $0.indices.contains(index) ? $0[index] : "" } ?? String(line.quantitySent),
                "best_before": line.bestBefore.map { ShowroomFormat.date($0, language) } ?? "—",
            ]
        }
        if let error { values["error"] = error }
        return html(request, status, templates.render("console-transfer", values))
    }
}
