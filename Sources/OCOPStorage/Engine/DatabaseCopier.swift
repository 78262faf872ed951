import Foundation
public import Logging
import OCOPDomain
import SQLKit
import SQLiteKit

/// What `migrate-db` copied, per table, and the checks it made.
public struct CopyReport: Sendable {
    public var rowsByTable: [(table: String, rows: Int)] = []
    public var ledgerGroupsCompared = 0
}

/// Copies a running commune's SQLite data into an empty PostgreSQL database (`ocop migrate-db`):
/// migrates the target, refuses one that already holds data, copies every table in foreign-key
/// order in one transaction, then verifies row counts and ledger sums.
public struct DatabaseCopier: Sendable {
    /// Every table, parents before children. A source table missing here stops the copy, so a
    /// table added by a later migration is never skipped silently.
    static let tables = [
        "producers", "products", "variants", "product_media", "certificates", "catalog_revision", "audit_log",
        "users", "user_scopes", "sessions", "login_throttle",
        "points", "point_minimums", "stock_levels", "stock_ledger", "sales", "sale_lines", "transfers",
        "transfer_lines", "idempotency_keys", "jobs", "webhook_subscriptions", "stamp_runs", "stamps", "stamp_scans",
        "stock_holds", "livestreams", "livestream_producers", "livestream_products", "livestream_orders",
        "livestream_order_lines", "livestream_comments",
        "fairs", "fair_stalls", "fair_applications", "fair_application_products", "fair_allocations", "fairs_revision",
        "marketplace_accounts", "listings", "marketplace_outbox",
        "certificate_notices", "catalog_import_state", "point_sellers",
        "marketplace_orders", "marketplace_order_lines", "marketplace_order_events",
        "marketplace_order_pulls",
        "plans", "plan_targets", "plan_target_entries", "evaluation_rounds", "dossiers", "dossier_items",
        "dossier_files", "dossier_events", "evaluation_scores", "inspections",
    ]
    /// Tables whose `id` is an identity column on PostgreSQL; their sequences move past the copied ids.
    static let identityTables = [
        "audit_log", "users", "stock_ledger", "sales", "transfers", "jobs", "webhook_subscriptions", "stamp_runs",
        "stock_holds", "livestream_orders", "livestream_comments",
        "fair_applications", "fair_allocations",
        "marketplace_accounts", "listings", "marketplace_outbox", "marketplace_orders", "marketplace_order_events",
        "plans", "plan_targets", "plan_target_entries", "evaluation_rounds", "dossiers", "dossier_files",
        "dossier_events", "inspections",
    ]

    let source: Database
    let target: Database
    let logger: Logger

    public init(source: Database, target: Database, logger: Logger) {
        self.source = source
        self.target = target
        self.logger = logger
    }

    /// `progress` is told each table as its copy starts (its position and the number of tables).
    public func run(progress: (@Sendable (_ table: String, _ index: Int, _ count: Int) -> Void)? = nil) async throws
        -> CopyReport
    {
        guard source.engine == .sqlite, target.engine == .postgres else {
            throw DomainError.invalid(field: "to", "copies from sqlite: to postgres:// only")
        }
        try await Migrator(database: source, logger: logger).migrate()
        try await Migrator(database: target, logger: logger).migrate()
        try await checkSourceTables()
        for table in ["producers", "users", "points", "stock_ledger"] {
            let count = try await Self.count(table, target)
            guard count == 0 else {
                throw DomainError(.conflict, "the target is not empty: \(table) holds \(count) rows; use an empty database")
            }
        }
        var report = CopyReport()
        try await target.transaction { targetSQL in
            try await targetSQL.raw("DELETE FROM catalog_revision").run()  // the migration's initial row
            try await targetSQL.raw("DELETE FROM fairs_revision").run()  // likewise
            for (index, table) in Self.tables.enumerated() {
                progress?(table, index, Self.tables.count)
                // The table names are the fixed list above, not input.
                let rows = try await source.sqliteRows("SELECT * FROM \"\(table)\"")
                try await insert(rows, into: table, targetSQL)
                report.rowsByTable.append((table, rows.count))
            }
            for table in Self.identityTables {
                try await targetSQL.raw(
                    """
                    SELECT setval(pg_get_serial_sequence(\(bind: table), 'id'),
                        COALESCE((SELECT MAX(id) FROM \(ident: table)), 0) + 1, false)
                    """
                ).run()
            }
        }
        report.ledgerGroupsCompared = try await verify(report)
        return report
    }

    private func checkSourceTables() async throws {
        let names = try await source.read { sql in
            try await sql.raw("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all()
                .map { try $0.decode(column: "name", as: String.self) }
        }
        let unknown = Set(names).subtracting(Self.tables + ["schema_migrations"])
        guard unknown.isEmpty else {
            throw DomainError(.invalid, "the copier does not know tables \(unknown.sorted()); update DatabaseCopier.tables")
        }
    }

    private func insert(_ rows: [SQLiteValues], into table: String, _ sql: any SQLDatabase) async throws {
        guard let first = rows.first else { return }
        let columns = first.names
        for chunk in stride(from: 0, to: rows.count, by: 200) {
            var builder = sql.insert(into: table).columns(columns)
            for row in rows[chunk..<min(chunk + 200, rows.count)] {
                builder = builder.values(columns.map { Self.expression(row.value($0)) })
            }
            try await builder.run()
        }
    }

    /// SQLite's dynamic values as PostgreSQL binds; NULL is written as a literal, because a typed
    /// null parameter (text, say) is refused by a column of another type.
    private static func expression(_ data: SQLiteData?) -> any SQLExpression {
        switch data {
        case .integer(let value): SQLBind(value)
        case .float(let value): SQLBind(value)
        case .text(let value): SQLBind(value)
        case .blob(let buffer): SQLBind(Data(buffer.readableBytesView))
        case .null, nil: SQLLiteral.null
        }
    }

    /// Row counts per table, and every (point, SKU, batch) ledger sum and level, must agree.
    private func verify(_ report: CopyReport) async throws -> Int {
        for (table, rows) in report.rowsByTable {
            let copied = try await Self.count(table, target)
            guard copied == rows else {
                throw DomainError(.conflict, "verification failed: \(table) has \(copied) rows in the target, \(rows) in the source")
            }
        }
        let query: SQLQueryString = """
            SELECT l.point_slug, l.sku, l.batch, l.quantity, CAST(COALESCE(SUM(g.delta), 0) AS BIGINT) AS ledger
            FROM stock_levels l LEFT JOIN stock_ledger g
                ON g.point_slug = l.point_slug AND g.sku = l.sku AND g.batch = l.batch
            GROUP BY l.point_slug, l.sku, l.batch, l.quantity ORDER BY l.point_slug, l.sku, l.batch
            """
        func sums(_ database: Database) async throws -> [String] {
            try await database.read { sql in
                try await sql.raw(query).all().map { row in
                    let key = try ["point_slug", "sku", "batch"].map { try row.decode(column: $0, as: String.self) }
                    let level = try row.decode(column: "quantity", as: Int.self)
                    let ledger = try row.decode(column: "ledger", as: Int.self)
                    return key.joined(separator: "/") + "=\(level)/\(ledger)"
                }
            }
        }
        let before = try await sums(source)
        let after = try await sums(target)
        guard before == after else { throw DomainError(.conflict, "verification failed: ledger sums differ") }
        return after.count
    }

    private static func count(_ table: String, _ database: Database) async throws -> Int {
        try await database.read { sql in
            try await sql.raw("SELECT COUNT(*) AS n FROM \(ident: table)").first()?.decode(column: "n", as: Int.self) ?? 0
        }
    }
}
