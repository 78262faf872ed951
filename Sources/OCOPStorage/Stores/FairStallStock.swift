public import OCOPDomain
public import SQLKit

/// Stock at a fair stall, on the shared ledger: goods in by receipt from the producer or by a
/// transfer from a point, counter sales while the fair is open, and the closing count that returns
/// what is left. Each method takes the caller's transaction, like `StockStore`.
public struct FairStallStock: Sendable {
    private let stock = StockStore()

    public init() {}

    /// The stall, which must exist.
    public func stall(fair: String, code: String, in database: Database) async throws -> FairStall {
        try await database.read { sql in try await stall(fair: fair, code: code, sql) }
    }

    public func stall(fair: String, code: String, _ sql: any SQLDatabase) async throws -> FairStall {
        guard let stall = try await FairStore.stall(fair: fair, code: code, sql) else {
            throw DomainError(.notFound, "fair '\(fair)' has no stall \(code)")
        }
        return stall
    }

    /// Goods the stall's producer brings itself; every SKU must be one of its products.
    public func receive(
        _ sql: any SQLDatabase, fair: String, code: String, lines: [ReceiptLine], reference: String?, actor: String,
        at now: Moment
    ) async throws -> MovementResult {
        let stall = try await stall(fair: fair, code: code, sql)
        let variants = try await StockStore.requireVariants(lines.map(\.sku), sql)
        if let producer = stall.producer {
            let owners = try await Self.owners(Set(variants.values.map(\.product)), sql)
            for (index, line) in lines.enumerated() where owners[variants[line.sku]!.product] != producer {
                throw DomainError.invalid(field: "lines[\(index)].sku", "\(line.sku) is not a product of \(producer)")
            }
        }
        let reference = "receipt:\(stall.pointSlug):\(reference ?? String(now.unixMilliseconds))"
        let result = try await FairStallRules.moving(.receipt, at: now) {
            try await stock.receive(sql, point: stall.pointSlug, lines: lines, reference: reference, actor: actor, at: now)
        }
        try await AuditLog.append(
            sql, actor: actor, action: "receive", entity: "fair_stall", entityID: "\(fair)/\(code)", before: nil,
            after: try CanonicalJSON.encode(result.entries), at: ISOTimestamp.string(now))
        return result
    }

    /// A counter sale at the stall; refused (409, naming the dates) outside the fair's days.
    public func sell(
        _ sql: any SQLDatabase, fair: String, code: String, lines: [SaleLine], payment: PaymentMethod, actor: String,
        at now: Moment
    ) async throws -> SaleRecord {
        let stall = try await stall(fair: fair, code: code, sql)
        return try await FairStallRules.moving(.sale, at: now) {
            try await stock.sell(sql, point: stall.pointSlug, lines: lines, payment: payment, actor: actor, at: now)
        }
    }

    /// Books a transfer from a point into the stall (the transfer's receiving side).
    public func receiveTransfer(
        _ sql: any SQLDatabase, fair: String, code: String, transfer id: Int, received: [BatchLine]?, actor: String,
        at now: Moment
    ) async throws -> TransferRecord {
        let stall = try await stall(fair: fair, code: code, sql)
        guard let fairRecord = try await FairStore.fair(fair, sql) else { throw DomainError(.notFound, "no fair '\(fair)'") }
        // Receiving does not pass through requirePoint, so the stall rule is checked here.
        try FairStallRules.check(
            .init(kind: .transferIn, at: now), fair: fairRecord, stall: code, producer: stall.producer,
            closedAt: stall.closedAt)
        return try await stock.receive(sql, transfer: id, received: received, actor: actor, at: now) { to in
            guard to == stall.pointSlug else {
                throw DomainError(.notFound, "transfer \(id) does not go to stall \(code) of fair '\(fair)'")
            }
        }
    }

    /// Closes a stall: the count must name every batch it holds; differences go on the ledger as
    /// count rows; what remains goes back where it came from (a transfer to each sending point,
    /// or returned to the producer for goods that came by receipt); then the stall is closed.
    public func close(
        _ sql: any SQLDatabase, fair: String, code: String, counted: [BatchLine], actor: String, at now: Moment
    ) async throws -> StallClosing {
        // Locks the stall row (PostgreSQL) so that two closings cannot both proceed.
        guard
            try await sql.raw(
                """
                UPDATE fair_stalls SET closed_at = closed_at
                WHERE fair_slug = \(bind: fair) AND code = \(bind: code) AND closed_at IS NULL
                RETURNING code
                """
            ).first() != nil
        else {
            _ = try await stall(fair: fair, code: code, sql)
            throw DomainError(.conflict, "stall \(code) of fair '\(fair)' is already closed")
        }
        let stall = try await stall(fair: fair, code: code, sql)
        guard let producer = stall.producer else {
            throw DomainError(.conflict, "stall \(code) of fair '\(fair)' is not allocated; there is nothing to close")
        }
        if let transfer = try await sql.raw(
            "SELECT id FROM transfers WHERE to_point = \(bind: stall.pointSlug) AND status = 'in_transit' ORDER BY id LIMIT 1"
        ).first()?.decode(column: "id", as: Int.self) {
            throw DomainError(.conflict, "transfer \(transfer) to stall \(code) is still in transit; receive it before closing")
        }
        let holding = try await held(stall.pointSlug, sql)
        let countLines = try Self.countLines(counted, held: holding)
        let count = try await FairStallRules.moving(.count, at: now) {
            try await stock.count(sql, point: stall.pointSlug, lines: countLines, actor: actor, at: now)
        }

        var returns: [StallClosing.Return] = []
        var toPoints: [String: [BatchLine]] = [:]
        let sources = try await transferSources(stall.pointSlug, sql)
        let timestamp = ISOTimestamp.string(now)
        for level in try await held(stall.pointSlug, sql) {
            var remaining = level.quantity
            for source in sources[level.key] ?? [] where remaining > 0 {
                let back = min(remaining, source.quantity)
                toPoints[source.point, default: []].append(BatchLine(sku: level.sku, batch: level.batch, quantity: back))
                remaining -= back
            }
            if remaining > 0 {
                try await stock.move(
                    sql, point: stall.pointSlug, sku: level.sku, batch: level.batch, bestBefore: nil, delta: -remaining,
                    kind: .transferOut, reason: "returned to producer \(producer)", reference: "fair-return:\(fair):\(code)",
                    actor: actor, at: timestamp)
                returns.append(.init(sku: level.sku, batch: level.batch, quantity: remaining, to: "producer:\(producer)"))
            }
        }
        for point in toPoints.keys.sorted() {
            let transfer = try await FairStallRules.moving(.transferOut, at: now) {
                try await stock.dispatch(
                    sql, from: stall.pointSlug, to: point, lines: toPoints[point]!,
                    note: "closing stall \(code) of fair \(fair)", actor: actor, at: now)
            }
            returns += transfer.lines.map {
                .init(sku: $0.sku, batch: $0.batch, quantity: $0.quantitySent, to: point, transferID: transfer.id)
            }
        }
        try await sql.raw(
            "UPDATE fair_stalls SET closed_at = \(bind: timestamp) WHERE fair_slug = \(bind: fair) AND code = \(bind: code)"
        ).run()
        let closing = StallClosing(
            fair: fair, stall: code, closedAt: timestamp, discrepancies: count.entries, returns: returns)
        try await FairStore.recordChange(
            sql, actor: actor, action: "close", entity: "fair_stall", id: "\(fair)/\(code)", before: nil,
            after: try CanonicalJSON.encode(closing), at: timestamp)
        return closing
    }

    // MARK: - Helpers

    struct Held {
        var sku: String
        var batch: String
        var quantity: Int
        var key: String { sku + "\u{1F}" + batch }
    }

    /// The batches a stall holds, including empty ones with history (they may be counted as found).
    private func held(_ point: String, _ sql: any SQLDatabase) async throws -> [Held] {
        try await sql.raw(
            "SELECT sku, batch, quantity FROM stock_levels WHERE point_slug = \(bind: point) ORDER BY sku, batch"
        ).all().map {
            Held(
                sku: try $0.decode(column: "sku", as: String.self), batch: try $0.decode(column: "batch", as: String.self),
                quantity: try $0.decode(column: "quantity", as: Int.self))
        }.filter { $0.quantity > 0 }
    }

    /// Matches counted lines to held batches: a line without a batch names the SKU's only batch.
    /// Every batch with stock must be counted, once.
    static func countLines(_ counted: [BatchLine], held: [Held]) throws -> [BatchLine] {
        var result: [BatchLine] = []
        var seen: Set<String> = []
        var issues: [DomainError.FieldIssue] = []
        for (index, line) in counted.enumerated() {
            var batch = line.batch ?? ""
            if line.batch == nil {
                let batches = held.filter { $0.sku == line.sku }.map(\.batch)
                if batches.count > 1 {
                    issues.append(
                        .init(field: "lines[\(index)].batch", reason: "name the batch: \(line.sku) is held in \(batches.joined(separator: ", "))"))
                    continue
                }
                batch = batches.first ?? ""
            }
            guard seen.insert(line.sku + "\u{1F}" + batch).inserted else {
                issues.append(.init(field: "lines[\(index)]", reason: "\(line.sku) \(batch) is counted twice"))
                continue
            }
            result.append(BatchLine(sku: line.sku, batch: batch, quantity: line.quantity))
        }
        for level in held where !seen.contains(level.key) && issues.isEmpty {
            issues.append(
                .init(field: "lines", reason: "count every batch the stall holds: \(level.sku)\(level.batch.isEmpty ? "" : " batch \(level.batch)") is missing"))
        }
        guard issues.isEmpty else { throw DomainError(.invalid, "the closing count is incomplete", issues: issues) }
        return result
    }

    struct Source {
        var point: String
        var quantity: Int
    }

    /// Per SKU and batch, the points that sent goods to the stall, in the order they arrived.
    private func transferSources(_ point: String, _ sql: any SQLDatabase) async throws -> [String: [Source]] {
        var result: [String: [Source]] = [:]
        for row in try await sql.raw(
            """
            SELECT t.from_point, l.sku, l.batch, l.quantity_received FROM transfers t
            JOIN transfer_lines l ON l.transfer_id = t.id
            WHERE t.to_point = \(bind: point) AND t.status = 'received' AND l.quantity_received > 0
            ORDER BY t.id
            """
        ).all() {
            let key = try row.decode(column: "sku", as: String.self) + "\u{1F}" + row.decode(column: "batch", as: String.self)
            result[key, default: []].append(
                Source(
                    point: try row.decode(column: "from_point", as: String.self),
                    quantity: try row.decode(column: "quantity_received", as: Int.self)))
        }
        return result
    }

    /// product slug → producer slug
    static func owners(_ products: Set<String>, _ sql: any SQLDatabase) async throws -> [String: String] {
        guard !products.isEmpty else { return [:] }
        var result: [String: String] = [:]
        for row in try await sql.raw(
            "SELECT slug, producer_slug FROM products WHERE slug IN (\(SQLList(products.map { SQLBind($0) })))"
        ).all() {
            result[try row.decode(column: "slug", as: String.self)] = try row.decode(column: "producer_slug", as: String.self)
        }
        return result
    }
}
