public import OCOPDomain
public import SQLKit

// MARK: - Transfers between points

extension StockStore {
    /// Stock leaves `from` now and is in transit until `to` receives it.
    public func dispatch(
        _ sql: any SQLDatabase, from: String, to: String, lines: [BatchLine], note: String?, actor: String,
        at now: Moment
    ) async throws -> TransferRecord {
        guard from != to else { throw DomainError.invalid(field: "to", "must differ from 'from'") }
        try await Self.requirePoint(from, sql)
        guard try await PointStore.exists(to, sql) else { throw DomainError.invalid(field: "to", "no point '\(to)'") }
        try await FairStallRules.requireOpenDestination(to, sql)
        _ = try await Self.requireVariants(lines.map(\.sku), sql)
        let timestamp = ISOTimestamp.string(now)
        let id = try await sql.raw(
            """
            INSERT INTO transfers (from_point, to_point, status, note, created_at, created_by)
            VALUES (\(bind: from), \(bind: to), 'in_transit', \(bind: note), \(bind: timestamp), \(bind: actor))
            RETURNING id
            """
        ).first()?.decode(column: "id", as: Int.self) ?? 0
        let reference = "transfer:\(id)"

        // Lines naming the same SKU and batch are merged, so each batch leaves once.
        var sent: [String: TransferRecord.Line] = [:]
        var order: [String] = []
        for (index, line) in lines.enumerated() {
            let stock = try await StockHolds.lockedAvailability(point: from, sku: line.sku, at: timestamp, sql)
            let available = stock.batches
            let allocation: [BatchQuantity]?
            // Units held for open orders stay at the point.
            if StockHolds.free(stock) < line.quantity {
                allocation = nil
            } else if let batch = line.batch {
                let held = available.first { $0.batch == batch }
                allocation = (held?.quantity ?? 0) >= line.quantity
                    ? [BatchQuantity(batch: batch, bestBefore: held?.bestBefore, quantity: line.quantity)] : nil
            } else {
                allocation = FEFOAllocation.allocate(line.quantity, from: available)
            }
            guard let allocation else {
                throw DomainError(
                    .conflict, "not enough stock of \(line.sku) at \(from) to send \(line.quantity)",
                    issues: [.init(field: "lines[\(index)].quantity", reason: "more than in stock")])
            }
            for batch in allocation {
                try await move(
                    sql, point: from, sku: line.sku, batch: batch.batch, bestBefore: batch.bestBefore,
                    delta: -batch.quantity, kind: .transferOut, reason: "to \(to)", reference: reference, actor: actor,
                    at: timestamp)
                let key = line.sku + "\u{1F}" + batch.batch
                if sent[key] == nil { order.append(key) }
                sent[key, default: .init(sku: line.sku, batch: batch.batch, bestBefore: batch.bestBefore, quantitySent: 0)]
                    .quantitySent += batch.quantity
            }
        }
        for key in order {
            let line = sent[key]!
            try await sql.raw(
                """
                INSERT INTO transfer_lines (transfer_id, sku, batch, best_before, quantity_sent)
                VALUES (\(bind: id), \(bind: line.sku), \(bind: line.batch), \(bind: line.bestBefore?.description),
                    \(bind: line.quantitySent))
                """
            ).run()
        }
        try await AuditLog.append(
            sql, actor: actor, action: "dispatch", entity: "transfer", entityID: String(id), before: nil,
            after: try CanonicalJSON.encode(order.map { sent[$0]! }), at: timestamp)
        return try await transfer(id, sql)!
    }

    /// The receiving point books what arrived. `received` maps "SKU" or "SKU␟batch" keys to the
    /// quantities counted; lines not mentioned arrived in full. Shortfalls stay on the transfer.
    public func receive(
        _ sql: any SQLDatabase, transfer id: Int, received: [BatchLine]?, actor: String, at now: Moment,
        authorise: (String) throws -> Void
    ) async throws -> TransferRecord {
        guard let transfer = try await transfer(id, sql) else { throw DomainError(.notFound, "no transfer \(id)") }
        try authorise(transfer.to)
        guard transfer.status == "in_transit" else {
            throw DomainError(.conflict, "transfer \(id) was already received at \(transfer.receivedAt ?? "?")")
        }
        var counted: [String: Int] = [:]
        for (index, line) in (received ?? []).enumerated() {
            let matches = transfer.lines.filter { $0.sku == line.sku && (line.batch == nil || $0.batch == line.batch) }
            guard matches.count == 1, let match = matches.first else {
                throw DomainError.invalid(
                    field: "lines[\(index)]",
                    matches.isEmpty ? "not on this transfer" : "name the batch: the SKU came in several")
            }
            guard line.quantity <= match.quantitySent else {
                throw DomainError.invalid(field: "lines[\(index)].quantity", "more than the \(match.quantitySent) sent")
            }
            counted[match.sku + "\u{1F}" + match.batch] = line.quantity
        }
        let timestamp = ISOTimestamp.string(now)
        for line in transfer.lines {
            let arrived = counted[line.sku + "\u{1F}" + line.batch] ?? line.quantitySent
            if arrived > 0 {
                try await move(
                    sql, point: transfer.to, sku: line.sku, batch: line.batch, bestBefore: line.bestBefore, delta: arrived,
                    kind: .transferIn, reason: "from \(transfer.from)", reference: "transfer:\(id)", actor: actor,
                    at: timestamp)
            }
            try await sql.raw(
                """
                UPDATE transfer_lines SET quantity_received = \(bind: arrived)
                WHERE transfer_id = \(bind: id) AND sku = \(bind: line.sku) AND batch = \(bind: line.batch)
                """
            ).run()
        }
        try await sql.raw(
            """
            UPDATE transfers SET status = 'received', received_at = \(bind: timestamp), received_by = \(bind: actor)
            WHERE id = \(bind: id)
            """
        ).run()
        let result = try await self.transfer(id, sql)!
        try await AuditLog.append(
            sql, actor: actor, action: "receive", entity: "transfer", entityID: String(id), before: nil,
            after: try CanonicalJSON.encode(result.lines), at: timestamp)
        return result
    }

    /// One transfer with its lines.
    public func transfer(_ id: Int, in database: Database) async throws -> TransferRecord? {
        try await database.read { sql in try await transfer(id, sql) }
    }

    public func transfer(_ id: Int, _ sql: any SQLDatabase) async throws -> TransferRecord? {
        guard let row = try await sql.raw("SELECT * FROM transfers WHERE id = \(bind: id)").first() else { return nil }
        let lines = try await sql.raw(
            "SELECT * FROM transfer_lines WHERE transfer_id = \(bind: id) ORDER BY sku, batch"
        ).all().map { line in
            TransferRecord.Line(
                sku: try line.decode(column: "sku", as: String.self),
                batch: try line.decode(column: "batch", as: String.self),
                bestBefore: try line.decode(column: "best_before", as: String?.self).flatMap(CalendarDate.init(iso:)),
                quantitySent: try line.decode(column: "quantity_sent", as: Int.self),
                quantityReceived: try line.decode(column: "quantity_received", as: Int?.self))
        }
        return TransferRecord(
            id: id, from: try row.decode(column: "from_point", as: String.self),
            to: try row.decode(column: "to_point", as: String.self),
            status: try row.decode(column: "status", as: String.self),
            note: try row.decode(column: "note", as: String?.self),
            createdAt: try row.decode(column: "created_at", as: String.self),
            createdBy: try row.decode(column: "created_by", as: String.self),
            receivedAt: try row.decode(column: "received_at", as: String?.self),
            receivedBy: try row.decode(column: "received_by", as: String?.self), lines: lines)
    }
}
