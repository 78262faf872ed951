public import OCOPDomain
public import SQLKit

// MARK: - Receipts, sales, adjustments and counts

extension StockStore {
    /// Goods in from a producer.
    public func receive(
        _ sql: any SQLDatabase, point: String, lines: [ReceiptLine], reference: String, actor: String, at now: Moment
    ) async throws -> MovementResult {
        try await Self.requirePoint(point, sql)
        _ = try await Self.requireVariants(lines.map(\.sku), sql)
        let timestamp = ISOTimestamp.string(now)
        var entries: [LedgerEntry] = []
        for line in lines {
            entries.append(
                try await move(
                    sql, point: point, sku: line.sku, batch: line.batch, bestBefore: line.bestBefore, delta: line.quantity,
                    kind: .receipt, reason: nil, reference: reference, actor: actor, at: timestamp,
                    unitCost: line.unitCost))
        }
        return MovementResult(point: point, reference: reference, entries: entries)
    }

    /// A sale at catalog prices (or the line's agreed price) less any discount, batches first-
    /// expiring-first-out, from the units not held for open orders. Either every line is sold or none is.
    /// `channel` names where it was sold ("counter", "livestream", …) for the reports; `reference`
    /// replaces the ledger rows' receipt reference when the sale has its own id elsewhere (a
    /// marketplace's order id).
    public func sell(
        _ sql: any SQLDatabase, point: String, lines: [SaleLine], payment: PaymentMethod, actor: String, at now: Moment,
        channel: String = "counter", reference given: String? = nil
    ) async throws -> SaleRecord {
        // Taking the receipt number first also proves the point exists (one statement instead of
        // two on the busiest write); stalls get their fair's rules checked as every movement does.
        guard
            let pointRow = try await sql.raw(
                """
                UPDATE points SET receipt_sequence = receipt_sequence + 1 WHERE slug = \(bind: point)
                RETURNING receipt_sequence, location_type
                """
            ).first()
        else { throw DomainError(.notFound, "no point '\(point)'") }
        if try pointRow.decode(column: "location_type", as: String.self) == "fair_stall" {
            try await FairStallRules.checkMovement(point: point, sql: sql)
        }
        let sequence = try pointRow.decode(column: "receipt_sequence", as: Int.self)
        let variants = try await Self.requireVariants(lines.map(\.sku), sql)
        func unitPrice(_ line: SaleLine) -> Int { line.unitPrice ?? variants[line.sku]!.price }
        var amounts: [Int] = []
        for (index, line) in lines.enumerated() {
            guard let amount = line.amount(unitPrice: unitPrice(line)) else {
                throw DomainError.invalid(field: "lines[\(index)].discount", "exceeds the line's price")
            }
            amounts.append(amount)
        }
        let timestamp = ISOTimestamp.string(now)
        let receiptNumber = ReceiptNumber.make(on: CalendarDate(inVietnamAt: now), sequence: sequence)
        let reference = given ?? "sale:\(point):\(receiptNumber)"

        var saleLines: [SaleRecord.Line] = []
        for (index, line) in lines.enumerated() {
            let variant = variants[line.sku]!
            let price = unitPrice(line)
            let stock = try await StockHolds.lockedAvailability(point: point, sku: line.sku, at: timestamp, sql)
            let free = StockHolds.free(stock)
            guard free >= line.quantity, let allocation = FEFOAllocation.allocate(line.quantity, from: stock.batches)
            else {
                let heldNote = stock.held > 0 ? " (\(stock.held) more held for open orders)" : ""
                throw DomainError(
                    .conflict, "not enough stock of \(line.sku) at \(point): \(free) left\(heldNote), \(line.quantity) asked",
                    issues: [.init(field: "lines[\(index)].quantity", reason: "only \(free) in stock")])
            }
            for batch in allocation {
                try await move(
                    sql, point: point, sku: line.sku, batch: batch.batch, bestBefore: batch.bestBefore,
                    delta: -batch.quantity, kind: .sale, reason: payment.rawValue, reference: reference, actor: actor,
                    at: timestamp, unitPrice: price)
            }
            saleLines.append(
                SaleRecord.Line(
                    sku: line.sku, product: variant.product, quantity: line.quantity, unitPrice: price,
                    discount: line.discount, amount: amounts[index], batches: allocation))
        }
        let total = saleLines.reduce(0) { $0 + $1.amount }
        let saleID = try await sql.raw(
            """
            INSERT INTO sales (point_slug, receipt_number, payment_method, total, at, actor, channel)
            VALUES (\(bind: point), \(bind: receiptNumber), \(bind: payment.rawValue), \(bind: total), \(bind: timestamp),
                \(bind: actor), \(bind: channel))
            RETURNING id
            """
        ).first()?.decode(column: "id", as: Int.self) ?? 0
        for (position, line) in saleLines.enumerated() {
            try await sql.raw(
                """
                INSERT INTO sale_lines (sale_id, position, sku, quantity, unit_price, discount, amount)
                VALUES (\(bind: saleID), \(bind: position), \(bind: line.sku), \(bind: line.quantity),
                    \(bind: line.unitPrice), \(bind: line.discount), \(bind: line.amount))
                """
            ).run()
        }
        return SaleRecord(
            id: saleID, point: point, receiptNumber: receiptNumber, paymentMethod: payment.rawValue, at: timestamp,
            lines: saleLines, total: total)
    }

    /// Damaged, expired, lost (stock out) or found (stock in), with a note.
    public func adjust(
        _ sql: any SQLDatabase, point: String, reason: AdjustmentReason, note: String?, lines: [BatchLine],
        actor: String, at now: Moment
    ) async throws -> MovementResult {
        try await Self.requirePoint(point, sql)
        _ = try await Self.requireVariants(lines.map(\.sku), sql)
        let timestamp = ISOTimestamp.string(now)
        let reference = "adjustment:\(point):\(now.unixMilliseconds)"
        var entries: [LedgerEntry] = []
        for line in lines {
            entries.append(
                try await move(
                    sql, point: point, sku: line.sku, batch: line.batch ?? "", bestBefore: nil,
                    delta: reason.sign * line.quantity, kind: .adjustment,
                    reason: note.map { "\(reason.rawValue): \($0)" } ?? reason.rawValue, reference: reference,
                    actor: actor, at: timestamp))
        }
        return MovementResult(point: point, reference: reference, entries: entries)
    }

    /// A stock count: each counted line's difference from the level becomes a ledger row.
    public func count(
        _ sql: any SQLDatabase, point: String, lines: [BatchLine], actor: String, at now: Moment
    ) async throws -> MovementResult {
        try await Self.requirePoint(point, sql)
        _ = try await Self.requireVariants(lines.map(\.sku), sql)
        let timestamp = ISOTimestamp.string(now)
        let reference = "count:\(point):\(now.unixMilliseconds)"
        var entries: [LedgerEntry] = []
        for line in lines {
            let batch = line.batch ?? ""
            let current = try await sql.raw(
                """
                SELECT quantity FROM stock_levels
                WHERE point_slug = \(bind: point) AND sku = \(bind: line.sku) AND batch = \(bind: batch)
                """
            ).first()?.decode(column: "quantity", as: Int.self) ?? 0
            let difference = line.quantity - current
            guard difference != 0 else { continue }
            entries.append(
                try await move(
                    sql, point: point, sku: line.sku, batch: batch, bestBefore: nil, delta: difference, kind: .count,
                    reason: "counted \(line.quantity), expected \(current)", reference: reference, actor: actor,
                    at: timestamp))
        }
        return MovementResult(point: point, reference: reference, entries: entries)
    }
}
