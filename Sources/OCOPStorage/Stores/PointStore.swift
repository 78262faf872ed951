import Foundation
public import OCOPDomain
import SQLKit

/// Display/sale points and their per-SKU minimum levels.
public struct PointStore: Sendable {
    private let database: Database

    public init(database: Database) { self.database = database }

    /// Adds a point; a taken slug is a conflict.
    public func create(_ point: SalePoint, actor: String, at now: Moment) async throws {
        try await database.transaction { sql in try await Self.create(point, actor: actor, at: now, sql) }
    }

    /// `create` as one operation for the write pipeline, answering the point.
    public func creating(_ point: SalePoint, actor: String, at now: Moment) -> StoreOperation<SalePoint> {
        StoreOperation { sql in
            try await Self.create(point, actor: actor, at: now, sql)
            return point
        }
    }

    private static func create(_ point: SalePoint, actor: String, at now: Moment, _ sql: any SQLDatabase) async throws {
        let json = try CanonicalJSON.encode(point)
        if try await exists(point.slug, sql) {
            throw DomainError(.conflict, "a point '\(point.slug)' exists", issues: [.init(field: "slug", reason: "taken")])
        }
        let timestamp = ISOTimestamp.string(now)
        try await sql.raw(
            """
            INSERT INTO points (slug, name, location_type, address, province_code, commune_code, latitude,
                longitude, opening_hours, phone, email, criteria, document, created_at, updated_at)
            VALUES (\(bind: point.slug), \(bind: point.name), \(bind: point.locationType.rawValue),
                \(bind: point.address), \(bind: point.provinceCode), \(bind: point.communeCode),
                \(bind: point.location?.latitude), \(bind: point.location?.longitude), \(bind: point.openingHours),
                \(bind: point.phone), \(bind: point.email), \(bind: try CanonicalJSON.encode(point.criteria)),
                \(bind: json), \(bind: timestamp), \(bind: timestamp))
            """
        ).run()
        sql.announce(.points)
        try await AuditLog.append(
            sql, actor: actor, action: "create", entity: "point", entityID: point.slug, before: nil, after: json,
            at: timestamp)
    }

    /// Replaces a point's details (the slug stays), answering the point.
    public func updating(_ point: SalePoint, actor: String, at now: Moment) -> StoreOperation<SalePoint> {
        StoreOperation { sql in
            let json = try CanonicalJSON.encode(point)
            guard
                let before = try await sql.raw(
                    "SELECT document FROM points WHERE slug = \(bind: point.slug) AND location_type <> 'fair_stall'"
                ).first()?
                    .decode(column: "document", as: String.self)
            else { throw DomainError(.notFound, "no point '\(point.slug)'") }
            let timestamp = ISOTimestamp.string(now)
            try await sql.raw(
                """
                UPDATE points SET name = \(bind: point.name), location_type = \(bind: point.locationType.rawValue),
                    address = \(bind: point.address), province_code = \(bind: point.provinceCode),
                    commune_code = \(bind: point.communeCode), latitude = \(bind: point.location?.latitude),
                    longitude = \(bind: point.location?.longitude), opening_hours = \(bind: point.openingHours),
                    phone = \(bind: point.phone), email = \(bind: point.email),
                    criteria = \(bind: try CanonicalJSON.encode(point.criteria)), document = \(bind: json),
                    updated_at = \(bind: timestamp)
                WHERE slug = \(bind: point.slug)
                """
            ).run()
            sql.announce(.points)
            try await AuditLog.append(
                sql, actor: actor, action: "update", entity: "point", entityID: point.slug, before: before, after: json,
                at: timestamp)
            return point
        }
    }

    /// Every point, by slug.
    public func all() async throws -> [SalePoint] {
        try await database.read { sql in
            // Fair stalls are points only for the ledger; they are listed with their fair.
            try await sql.raw("SELECT document FROM points WHERE location_type <> 'fair_stall' ORDER BY slug").all().map { row in
                try JSONDecoder.snakeCase.decode(
                    SalePoint.self, from: Data(try row.decode(column: "document", as: String.self).utf8))
            }
        }
    }

    /// Sets the level below which a SKU shows in the point's alerts, answering it.
    public func settingMinimum(
        point: String, sku: String, minimum: Int, actor: String, at now: Moment
    ) -> StoreOperation<StockMinimum> {
        StoreOperation { sql in
            guard try await Self.exists(point, sql) else { throw DomainError(.notFound, "no point '\(point)'") }
            guard try await StockStore.variants([sku], sql)[sku] != nil else {
                throw DomainError.invalid(field: "sku", "no SKU '\(sku)' in the catalog")
            }
            try await sql.raw(
                """
                INSERT INTO point_minimums (point_slug, sku, minimum) VALUES (\(bind: point), \(bind: sku), \(bind: minimum))
                ON CONFLICT (point_slug, sku) DO UPDATE SET minimum = excluded.minimum
                """
            ).run()
            let answer = StockMinimum(sku: sku, minimum: minimum)
            try await AuditLog.append(
                sql, actor: actor, action: "set_minimum", entity: "point", entityID: point, before: nil,
                after: try CanonicalJSON.encode(answer), at: ISOTimestamp.string(now))
            return answer
        }
    }

    static func exists(_ slug: String, _ sql: any SQLDatabase) async throws -> Bool {
        try await sql.raw("SELECT slug FROM points WHERE slug = \(bind: slug)").first() != nil
    }
}

extension JSONDecoder {
    /// Decodes the snake_case documents `CanonicalJSON` writes.
    static var snakeCase: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }
}
