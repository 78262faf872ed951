import Crypto
public import OCOPDomain
public import SQLKit

// MARK: - Orders from comments

extension LivestreamStore {
    /// Reads a batch of raw comments (a platform webhook, a pasted export) in one transaction.
    ///
    /// Each comment is remembered by viewer, time and text, so replaying a batch creates nothing
    /// new. Order comments from the same viewer and phone are merged (``LiveCommentParser/merge(_:)``)
    /// and compared with what that viewer already holds or bought in the session: only the
    /// difference is ordered, added to the viewer's open order when there is one. An order that
    /// cannot be held (stock, quota) is refused alone; the rest of the batch goes on.
    public func readComments(
        _ sql: any SQLDatabase, _ slug: String, comments: [LiveComment], actor: String, at now: Moment
    ) async throws -> CommentBatchResult {
        let session = try await Self.lockSession(slug, sql)
        let parser = LiveCommentParser(codes: Set(session.record.products.map(\.code)))
        var outcomes: [Int: CommentBatchResult.Outcome] = [:]
        var commentIDs: [Int: Int] = [:]
        var intents: [(index: Int, intent: LiveOrderIntent)] = []
        var duplicates = 0
        for (index, comment) in comments.enumerated() {
            let intent = parser.parse(comment)
            let inserted = try await sql.raw(
                """
                INSERT INTO livestream_comments (livestream_slug, comment_key, viewer_id, viewer_name, body, posted_at,
                    received_at, outcome)
                VALUES (\(bind: slug), \(bind: Self.commentKey(comment)), \(bind: comment.viewerID),
                    \(bind: comment.viewerName), \(bind: comment.text), \(bind: ISOTimestamp.string(comment.postedAt)),
                    \(bind: ISOTimestamp.string(now)), \(bind: LiveCommentOutcome.notOrder.rawValue))
                ON CONFLICT (livestream_slug, comment_key) DO NOTHING
                RETURNING id
                """
            ).first()
            guard let inserted else {
                duplicates += 1
                continue
            }
            commentIDs[index] = try inserted.decode(column: "id", as: Int.self)
            if let intent {
                intents.append((index, intent))
            } else {
                outcomes[index] = .init(index: index, outcome: LiveCommentOutcome.notOrder.rawValue)
            }
        }

        var created = 0
        var updated = 0
        for group in Self.groups(intents) {
            let outcome: CommentBatchResult.Outcome
            if !session.status.takesOrders {
                outcome = .init(
                    index: 0, outcome: LiveCommentOutcome.closed.rawValue,
                    reason: "the livestream is \(session.status.rawValue)")
            } else {
                do {
                    let (order, isNew) = try await take(group.intent, in: session, actor: actor, at: now, sql)
                    if isNew { created += 1 } else if order != nil { updated += 1 }
                    outcome = .init(
                        index: 0,
                        outcome: (isNew ? LiveCommentOutcome.ordered : LiveCommentOutcome.merged).rawValue,
                        order: order)
                } catch let error as DomainError where error.code == .conflict {
                    outcome = .init(index: 0, outcome: LiveCommentOutcome.soldOut.rawValue, reason: error.message)
                }
            }
            for index in group.indices {
                var own = outcome
                own.index = index
                outcomes[index] = own
            }
        }
        for (index, outcome) in outcomes where outcome.outcome != LiveCommentOutcome.notOrder.rawValue {
            try await sql.raw(
                """
                UPDATE livestream_comments SET outcome = \(bind: outcome.outcome), order_id = \(bind: outcome.order)
                WHERE id = \(bind: commentIDs[index]!)
                """
            ).run()
        }
        return CommentBatchResult(
            received: comments.count, duplicates: duplicates, ordersCreated: created, ordersUpdated: updated,
            outcomes: outcomes.values.sorted { $0.index < $1.index })
    }

    /// One viewer's merged order and the comments it came from, earliest first.
    static func groups(_ intents: [(index: Int, intent: LiveOrderIntent)]) -> [(intent: LiveOrderIntent, indices: [Int])] {
        var byKey: [String: [(index: Int, intent: LiveOrderIntent)]] = [:]
        for item in intents { byKey[item.intent.viewerID + "\u{1F}" + item.intent.phone.digits, default: []].append(item) }
        return byKey.values.map { items in
            (LiveCommentParser.merge(items.map(\.intent))[0], items.map(\.index))
        }.sorted { ($0.intent.postedAt, $0.indices[0]) < ($1.intent.postedAt, $1.indices[0]) }
    }

    /// Orders what the viewer asks beyond what they already hold or bought in this session.
    /// Returns the order touched (nil when nothing was new) and whether it was created.
    func take(
        _ intent: LiveOrderIntent, in session: LockedSession, actor: String, at now: Moment, _ sql: any SQLDatabase
    ) async throws -> (order: Int?, created: Bool) {
        let slug = session.record.slug
        let timestamp = ISOTimestamp.string(now)
        let rows = try await sql.raw(
            """
            SELECT o.id, o.status, l.code, l.quantity
            FROM livestream_orders o JOIN livestream_order_lines l ON l.order_id = o.id
            WHERE o.livestream_slug = \(bind: slug) AND o.viewer_id = \(bind: intent.viewerID)
                AND o.phone = \(bind: intent.phone.digits)
                AND (o.status = 'confirmed' OR (o.status = 'held' AND o.expires_at > \(bind: timestamp)))
            ORDER BY o.id
            """
        ).all()
        var already: [String: Int] = [:]
        var openOrder: Int?
        var lastOrder: Int?
        for row in rows {
            let id = try row.decode(column: "id", as: Int.self)
            already[try row.decode(column: "code", as: String.self), default: 0] += try row.decode(column: "quantity", as: Int.self)
            lastOrder = id
            if try row.decode(column: "status", as: String.self) == "held" { openOrder = id }
        }
        let extra = intent.lines.compactMap { line -> PricedLine? in
            let more = line.quantity - already[line.code, default: 0]
            guard more > 0, let product = session.product(code: line.code) else { return nil }
            return PricedLine(product: product, quantity: more, field: line.code)
        }
        guard !extra.isEmpty else { return (lastOrder, false) }
        guard let openOrder else {
            let id = try await placeOrder(
                session, lines: extra, buyerName: intent.viewerName, phone: intent.phone, address: nil, source: "comment",
                viewerID: intent.viewerID, actor: actor, at: now, sql)
            return (id, true)
        }
        try await addLines(extra, to: openOrder, in: session, actor: actor, at: now, sql)
        return (openOrder, false)
    }

    /// Adds units to a held order: same expiry, more held.
    func addLines(
        _ lines: [PricedLine], to id: Int, in session: LockedSession, actor: String, at now: Moment,
        _ sql: any SQLDatabase
    ) async throws {
        try await Self.checkQuotas(session, lines, at: now, sql)
        let holdLines = lines.map { (sku: $0.product.sku, quantity: $0.quantity, field: $0.field) }
        try await StockHolds.requireFree(sql, point: session.record.point, lines: holdLines, at: now)
        let before = try await Self.order(id, at: now, sql)!
        guard let expiresAt = ISOTimestamp.moment(before.expiresAt) else { return }
        try await StockHolds.insert(
            sql, point: session.record.point, lines: holdLines, reference: Self.holdReference(id), expiresAt: expiresAt,
            at: now)
        for line in lines {
            try await sql.raw(
                """
                INSERT INTO livestream_order_lines (order_id, code, sku, quantity, unit_price)
                VALUES (\(bind: id), \(bind: line.product.code), \(bind: line.product.sku), \(bind: line.quantity),
                    \(bind: line.product.livePrice))
                ON CONFLICT (order_id, code) DO UPDATE SET quantity = livestream_order_lines.quantity + excluded.quantity
                """
            ).run()
        }
        let added = lines.reduce(0) { $0 + $1.product.livePrice * $1.quantity }
        try await sql.raw("UPDATE livestream_orders SET total = total + \(bind: added) WHERE id = \(bind: id)").run()
        try await AuditLog.append(
            sql, actor: actor, action: "add_lines", entity: "livestream_order", entityID: String(id),
            before: try CanonicalJSON.encode(before), after: try CanonicalJSON.encode(try await Self.order(id, at: now, sql)),
            at: ISOTimestamp.string(now))
    }

    /// What identifies a comment across replays: the viewer, the time and the text.
    static func commentKey(_ comment: LiveComment) -> String {
        let text = "\(comment.viewerID)\u{1F}\(comment.postedAt.unixMilliseconds)\u{1F}\(comment.text)"
        return HexDigits.string(SHA256.hash(data: Array(text.utf8)))
    }
}
