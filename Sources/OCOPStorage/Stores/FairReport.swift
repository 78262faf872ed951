public import OCOPDomain
import SQLKit

/// Sales and stock of one fair: by day (in Vietnam), stall, producer and product, and per stall
/// what was sent, sold, returned and lost.
public struct FairReport: Sendable, Hashable, Codable {
    public struct SalesRow: Sendable, Hashable, Codable {
        /// The day, stall code, producer slug or product slug the row totals.
        public var key: String
        public var salesCount: Int
        public var quantity: Int
        public var revenue: Int
    }

    /// Stock through one stall. `sent = sold + returned + lost + on_hand` always holds on the
    /// ledger; `lost` is what the counts found missing (negative when they found more).
    public struct StallStock: Sendable, Hashable, Codable {
        public var stall: String
        public var producer: String?
        public var status: String
        public var sent: Int
        public var sold: Int
        public var returned: Int
        public var lost: Int
        public var onHand: Int
    }

    public var fair: String
    public var totals: SalesRow
    public var salesByDay: [SalesRow]
    public var salesByStall: [SalesRow]
    public var salesByProducer: [SalesRow]
    public var salesByProduct: [SalesRow]
    public var stock: [StallStock]
}

extension FairStore {
    /// The fair's report from the ledger and the sales it recorded.
    public func report(fair slug: String) async throws -> FairReport {
        try await database.read { sql in
            guard try await Self.fair(slug, sql) != nil else { throw DomainError(.notFound, "no fair '\(slug)'") }
            let stalls = try await Self.stalls(fair: slug, sql)
            let codeByPoint = Dictionary(uniqueKeysWithValues: stalls.map { ($0.pointSlug, $0.code) })

            struct Totals {
                var sales: Set<Int> = []
                var quantity = 0
                var revenue = 0
            }
            var byDay: [String: Totals] = [:]
            var byStall: [String: Totals] = [:]
            var byProducer: [String: Totals] = [:]
            var byProduct: [String: Totals] = [:]
            var all = Totals()
            for row in try await sql.raw(
                """
                SELECT s.id, s.point_slug, s.at, v.product_slug, p.producer_slug, l.quantity, l.amount
                FROM fair_stalls f JOIN sales s ON s.point_slug = f.point_slug
                JOIN sale_lines l ON l.sale_id = s.id JOIN variants v ON v.sku = l.sku
                JOIN products p ON p.slug = v.product_slug
                WHERE f.fair_slug = \(bind: slug)
                """
            ).all() {
                let id = try row.decode(column: "id", as: Int.self)
                let quantity = try row.decode(column: "quantity", as: Int.self)
                let amount = try row.decode(column: "amount", as: Int.self)
                let at = try row.decode(column: "at", as: String.self)
                let day = ISOTimestamp.moment(at).map { CalendarDate(inVietnamAt: $0).description } ?? String(at.prefix(10))
                func add(_ totals: inout Totals) {
                    totals.sales.insert(id)
                    totals.quantity += quantity
                    totals.revenue += amount
                }
                add(&all)
                add(&byDay[day, default: Totals()])
                let stall = codeByPoint[try row.decode(column: "point_slug", as: String.self)] ?? "?"
                add(&byStall[stall, default: Totals()])
                add(&byProducer[try row.decode(column: "producer_slug", as: String.self), default: Totals()])
                add(&byProduct[try row.decode(column: "product_slug", as: String.self), default: Totals()])
            }
            func rows(_ totals: [String: Totals]) -> [FairReport.SalesRow] {
                totals.map {
                    FairReport.SalesRow(
                        key: $0.key, salesCount: $0.value.sales.count, quantity: $0.value.quantity,
                        revenue: $0.value.revenue)
                }
                .sorted { $0.key < $1.key }
            }

            var movement: [String: [String: Int]] = [:]
            for row in try await sql.raw(
                """
                SELECT l.point_slug, l.kind, CAST(SUM(l.delta) AS BIGINT) AS net
                FROM fair_stalls f JOIN stock_ledger l ON l.point_slug = f.point_slug
                WHERE f.fair_slug = \(bind: slug)
                GROUP BY l.point_slug, l.kind
                """
            ).all() {
                let point = try row.decode(column: "point_slug", as: String.self)
                let kind = try row.decode(column: "kind", as: String.self)
                movement[point, default: [:]][kind] = try row.decode(column: "net", as: Int.self)
            }
            let stock = stalls.filter { movement[$0.pointSlug] != nil || $0.producer != nil }.map { stall in
                let net = movement[stall.pointSlug] ?? [:]
                let sent = (net["receipt"] ?? 0) + (net["transfer_in"] ?? 0)
                let sold = -(net["sale"] ?? 0)
                let returned = -(net["transfer_out"] ?? 0)
                let lost = -((net["count"] ?? 0) + (net["adjustment"] ?? 0))
                let onHand = net.values.reduce(0, +)
                return FairReport.StallStock(
                    stall: stall.code, producer: stall.producer, status: stall.status, sent: sent, sold: sold,
                    returned: returned, lost: lost, onHand: onHand)
            }
            return FairReport(
                fair: slug,
                totals: FairReport.SalesRow(key: "total", salesCount: all.sales.count, quantity: all.quantity, revenue: all.revenue),
                salesByDay: rows(byDay), salesByStall: rows(byStall), salesByProducer: rows(byProducer),
                salesByProduct: rows(byProduct), stock: stock)
        }
    }
}
