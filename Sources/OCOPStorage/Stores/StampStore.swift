public import OCOPDomain
import SQLKit

/// A run of stamp codes printed for one product (and optionally one batch).
public struct StampRun: Sendable, Hashable {
    public var id: Int
    public var product: String
    public var batch: String?
    public var codes: [StampCode]
}

/// What a scan found: the stamp's product and batch, and how the code has been scanned so far.
public struct StampScan: Sendable, Hashable {
    public var product: String
    public var batch: String?
    /// Scans of this code so far, this one included.
    public var totalScans: Int
    /// Provinces the code was scanned in (as the scanning app said), this scan included.
    public var provinces: Set<String>
}

/// A run as listed: what was printed for which product and batch, and when.
public struct StampRunListing: Sendable, Hashable {
    public var id: Int
    public var product: String
    public var batch: String?
    public var count: Int
    public var createdAt: String
}

/// A run just issued, as the API and the console's form answer it (its codes are in the CSV).
public struct IssuedStampRun: Sendable, Hashable, Encodable {
    public var id: Int
    public var product: String
    public var batch: String?
    public var count: Int
}

/// Traceability stamps: issue runs of unguessable codes, and count scans without personal data.
public struct StampStore: Sendable {
    /// The most codes one run may hold (a printer's batch).
    public static let maxRun = 10_000

    private let database: Database

    public init(database: Database) { self.database = database }

    public func createRun(
        product: String, batch: String?, count: Int, actor: String, at now: Moment
    ) async throws -> StampRun {
        try Self.checkCount(count)
        return try await database.transaction { sql in
            try await Self.insertRun(sql, product: product, batch: batch, count: count, actor: actor, at: now)
        }
    }

    /// A new run as a store operation (`Database.perform`): with an idempotency key, a form or a
    /// request sent twice prints one run, and the second answer is the first run's.
    public func issuing(
        product: String, batch: String?, count: Int, actor: String, at now: Moment
    ) throws(DomainError) -> StoreOperation<IssuedStampRun> {
        try Self.checkCount(count)
        return StoreOperation { sql in
            let run = try await Self.insertRun(sql, product: product, batch: batch, count: count, actor: actor, at: now)
            return IssuedStampRun(id: run.id, product: run.product, batch: run.batch, count: run.codes.count)
        }
    }

    private static func checkCount(_ count: Int) throws(DomainError) {
        guard (1...maxRun).contains(count) else { throw DomainError.invalid(field: "count", "from 1 to \(maxRun)") }
    }

    private static func insertRun(
        _ sql: any SQLDatabase, product: String, batch: String?, count: Int, actor: String, at now: Moment
    ) async throws -> StampRun {
        let timestamp = ISOTimestamp.string(now)
        guard try await sql.raw("SELECT slug FROM products WHERE slug = \(bind: product) AND withdrawn_at IS NULL").first() != nil
        else { throw DomainError(.notFound, "no product '\(product)'") }
        let id = try await sql.raw(
            """
            INSERT INTO stamp_runs (product_slug, batch, count, created_at, created_by)
            VALUES (\(bind: product), \(bind: batch), \(bind: count), \(bind: timestamp), \(bind: actor))
            RETURNING id
            """
        ).first()?.decode(column: "id", as: Int.self) ?? 0
        // 90 random bits per code: a collision is beyond astronomically unlikely, but the primary
        // key would still refuse one rather than let two items share a code.
        let codes = (0..<count).map { _ in StampCode.random() }
        for chunk in stride(from: 0, to: codes.count, by: 500) {
            var insert = sql.insert(into: "stamps").columns("code", "run_id", "product_slug", "batch")
            for code in codes[chunk..<min(chunk + 500, codes.count)] {
                insert = insert.values(SQLBind(code.symbols), SQLBind(id), SQLBind(product), SQLBind(batch))
            }
            try await insert.run()
        }
        try await AuditLog.append(
            sql, actor: actor, action: "issue_stamps", entity: "stamp_run", entityID: String(id), before: nil,
            after: try CanonicalJSON.encode(StampRunSummary(product: product, count: count)), at: timestamp)
        return StampRun(id: id, product: product, batch: batch, codes: codes)
    }

    /// The newest runs first, without their codes: what the office's stamp page lists.
    public func recentRuns(limit: Int) async throws -> [StampRunListing] {
        try await database.read { sql in
            try await sql.raw(
                "SELECT id, product_slug, batch, count, created_at FROM stamp_runs ORDER BY id DESC LIMIT \(bind: limit)"
            ).all().map { row in
                StampRunListing(
                    id: try row.decode(column: "id", as: Int.self),
                    product: try row.decode(column: "product_slug", as: String.self),
                    batch: try row.decode(column: "batch", as: String?.self),
                    count: try row.decode(column: "count", as: Int.self),
                    createdAt: try row.decode(column: "created_at", as: String.self))
            }
        }
    }

    /// A run with its codes, for printing.
    public func run(_ id: Int) async throws -> StampRun? {
        try await database.read { sql in
            guard let row = try await sql.raw("SELECT * FROM stamp_runs WHERE id = \(bind: id)").first() else { return nil }
            let codes = try await sql.raw("SELECT code FROM stamps WHERE run_id = \(bind: id) ORDER BY code").all()
                .compactMap { StampCode(try $0.decode(column: "code", as: String.self)) }
            return StampRun(
                id: id, product: try row.decode(column: "product_slug", as: String.self),
                batch: try row.decode(column: "batch", as: String?.self), codes: codes)
        }
    }

    /// Counts one scan of `code` (unless `counted` is false: a link preview, a crawler, a prefetch)
    /// and returns what the stamp is, or nil for a code never issued.
    public func scan(_ code: StampCode, province: String, at now: Moment, counted: Bool = true) async throws -> StampScan? {
        let day = CalendarDate(inVietnamAt: now).description
        return try await database.transaction { sql in
            guard
                let stamp = try await sql.raw("SELECT product_slug, batch FROM stamps WHERE code = \(bind: code.symbols)")
                    .first()
            else { return nil }
            if counted {
                try await sql.raw(
                """
                INSERT INTO stamp_scans (code, day, province, scans) VALUES (\(bind: code.symbols), \(bind: day), \(bind: province), 1)
                ON CONFLICT (code, day, province) DO UPDATE SET scans = stamp_scans.scans + 1
                """
                ).run()
            }
            let rows = try await sql.raw(
                "SELECT province, CAST(SUM(scans) AS BIGINT) AS n FROM stamp_scans WHERE code = \(bind: code.symbols) GROUP BY province"
            ).all()
            var total = 0
            var provinces: Set<String> = []
            for row in rows {
                total += try row.decode(column: "n", as: Int.self)
                let name = try row.decode(column: "province", as: String.self)
                if !name.isEmpty { provinces.insert(name) }
            }
            return StampScan(
                product: try stamp.decode(column: "product_slug", as: String.self),
                batch: try stamp.decode(column: "batch", as: String?.self), totalScans: total, provinces: provinces)
        }
    }
}

/// The audit record of a stamp run.
private struct StampRunSummary: Encodable {
    var product: String
    var count: Int
}
