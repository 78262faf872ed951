public import OCOPDomain
public import SQLKit

/// Fairs and their stall maps. Every write commits with its audit row and bumps `fairs_revision`,
/// which other nodes poll to refresh their public view.
public struct FairStore: Sendable {
    let database: Database

    public init(database: Database) { self.database = database }

    /// Adds a fair; a taken slug is a conflict.
    public func create(_ fair: Fair, actor: String, at now: Moment) async throws {
        _ = try await database.perform(creating(fair, actor: actor, at: now))
    }

    /// `create` as one operation of the write pipeline, answering the new fair (no stalls yet).
    public func creating(_ fair: Fair, actor: String, at now: Moment) -> StoreOperation<FairListing> {
        let timestamp = ISOTimestamp.string(now)
        return StoreOperation { sql in
            if try await Self.fair(fair.slug, sql) != nil {
                throw DomainError(.conflict, "a fair '\(fair.slug)' exists", issues: [.init(field: "slug", reason: "taken")])
            }
            try await sql.raw(
                """
                INSERT INTO fairs (slug, kind, name, venue, province_code, opens_on, closes_on, daily_hours, organiser,
                    created_at, updated_at)
                VALUES (\(bind: fair.slug), \(bind: fair.kind.rawValue), \(bind: fair.name), \(bind: fair.venue),
                    \(bind: fair.provinceCode), \(bind: fair.opensOn.description), \(bind: fair.closesOn.description),
                    \(bind: fair.dailyHours), \(bind: fair.organiser), \(bind: timestamp), \(bind: timestamp))
                """
            ).run()
            try await Self.recordChange(
                sql, actor: actor, action: "create", entity: "fair", id: fair.slug, before: nil,
                after: try CanonicalJSON.encode(fair), at: timestamp)
            return FairListing(fair: fair, stalls: [], productsByApplication: [:])
        }
    }

    /// Closes a fair explicitly: from now on its stalls sell nothing, whatever the dates say.
    /// Answers the closed fair with its map.
    public func closing(fair slug: String, actor: String, at now: Moment) -> StoreOperation<FairListing> {
        let timestamp = ISOTimestamp.string(now)
        return StoreOperation { sql in
            guard let before = try await Self.fair(slug, sql) else { throw DomainError(.notFound, "no fair '\(slug)'") }
            guard before.closedAt == nil else {
                throw DomainError(.conflict, "fair '\(slug)' was already closed at \(before.closedAt!)")
            }
            try await sql.raw(
                "UPDATE fairs SET closed_at = \(bind: timestamp), updated_at = \(bind: timestamp) WHERE slug = \(bind: slug)"
            ).run()
            var after = before
            after.closedAt = timestamp
            try await Self.recordChange(
                sql, actor: actor, action: "close", entity: "fair", id: slug, before: try CanonicalJSON.encode(before),
                after: try CanonicalJSON.encode(after), at: timestamp)
            return try await Self.listing(slug, sql)!
        }
    }

    /// Adds stalls to a fair's map, each with its ledger point. All or none: a taken code is a
    /// conflict naming it.
    public func addStalls(fair slug: String, _ specs: [StallSpec], actor: String, at now: Moment) async throws -> [FairStall] {
        try await database.perform(addingStalls(fair: slug, specs, actor: actor, at: now))
    }

    /// `addStalls` as one operation of the write pipeline.
    public func addingStalls(fair slug: String, _ specs: [StallSpec], actor: String, at now: Moment)
        -> StoreOperation<[FairStall]>
    {
        let timestamp = ISOTimestamp.string(now)
        return StoreOperation { sql in
            guard let fair = try await Self.fair(slug, sql) else { throw DomainError(.notFound, "no fair '\(slug)'") }
            guard fair.status(on: CalendarDate(inVietnamAt: now)) != .closed else {
                throw DomainError(.conflict, "fair '\(slug)' is closed; its map no longer changes")
            }
            let taken = Set(try await Self.stalls(fair: slug, sql).map(\.code))
            var stalls: [FairStall] = []
            for (index, spec) in specs.enumerated() {
                guard !taken.contains(spec.code) else {
                    throw DomainError(
                        .conflict, "fair '\(slug)' already has stall \(spec.code)",
                        issues: [.init(field: "codes[\(index)]", reason: "stall \(spec.code) exists")])
                }
                let point = StallCode.pointSlug(fair: slug, code: spec.code)
                guard try await !PointStore.exists(point, sql) else {
                    throw DomainError(.conflict, "a point '\(point)' exists already; rename the fair or the stall")
                }
                try await sql.raw(
                    """
                    INSERT INTO points (slug, name, location_type, address, province_code, opening_hours, criteria,
                        document, created_at, updated_at)
                    VALUES (\(bind: point), \(bind: "\(fair.name) – gian \(spec.code)"), 'fair_stall', \(bind: fair.venue),
                        \(bind: fair.provinceCode), \(bind: fair.dailyHours), '[]', '{}', \(bind: timestamp), \(bind: timestamp))
                    """
                ).run()
                try await sql.raw(
                    """
                    INSERT INTO fair_stalls (fair_slug, code, zone, size, fee_vnd, point_slug)
                    VALUES (\(bind: slug), \(bind: spec.code), \(bind: spec.zone), \(bind: spec.size.rawValue),
                        \(bind: spec.feeVnd), \(bind: point))
                    """
                ).run()
                stalls.append(
                    FairStall(
                        fair: slug, code: spec.code, zone: spec.zone, size: spec.size, feeVnd: spec.feeVnd,
                        pointSlug: point))
            }
            try await Self.recordChange(
                sql, actor: actor, action: "add_stalls", entity: "fair", id: slug, before: nil,
                after: try CanonicalJSON.encode(stalls), at: timestamp)
            return stalls
        }
    }

    /// One fair, read outside a transaction.
    public func fair(_ slug: String) async throws -> Fair? {
        try await database.read { sql in try await Self.fair(slug, sql) }
    }

    /// A fair's stalls in code order, read outside a transaction.
    public func stalls(fair slug: String) async throws -> [FairStall] {
        try await database.read { sql in try await Self.stalls(fair: slug, sql) }
    }

    /// The revision other nodes compare with theirs.
    public func revision() async throws -> Int {
        try await database.read { sql in
            try await sql.raw("SELECT revision FROM fairs_revision WHERE id = 1").first()?
                .decode(column: "revision", as: Int.self) ?? 0
        }
    }

    // MARK: - Inside a transaction

    static func fair(_ slug: String, _ sql: any SQLDatabase) async throws -> Fair? {
        try await sql.raw("SELECT * FROM fairs WHERE slug = \(bind: slug)").first().map(fair(from:))
    }

    static func fair(from row: any SQLRow) throws -> Fair {
        let kind = try row.decode(column: "kind", as: String.self)
        let opens = try row.decode(column: "opens_on", as: String.self)
        let closes = try row.decode(column: "closes_on", as: String.self)
        guard let kind = FairKind(rawValue: kind), let opensOn = CalendarDate(iso: opens),
            let closesOn = CalendarDate(iso: closes)
        else { throw DomainError(.invalid, "fair row with kind '\(kind)', dates \(opens)/\(closes) is unreadable") }
        return Fair(
            slug: try row.decode(column: "slug", as: String.self), kind: kind,
            name: try row.decode(column: "name", as: String.self), venue: try row.decode(column: "venue", as: String.self),
            provinceCode: try row.decode(column: "province_code", as: String.self), opensOn: opensOn, closesOn: closesOn,
            dailyHours: try row.decode(column: "daily_hours", as: String.self),
            organiser: try row.decode(column: "organiser", as: String.self),
            closedAt: try row.decode(column: "closed_at", as: String?.self))
    }

    static func stalls(fair: String, _ sql: any SQLDatabase) async throws -> [FairStall] {
        try await sql.raw("SELECT * FROM fair_stalls WHERE fair_slug = \(bind: fair) ORDER BY code").all()
            .map(stall(from:))
    }

    static func stall(fair: String, code: String, _ sql: any SQLDatabase) async throws -> FairStall? {
        try await sql.raw("SELECT * FROM fair_stalls WHERE fair_slug = \(bind: fair) AND code = \(bind: code)").first()
            .map(stall(from:))
    }

    static func stall(from row: any SQLRow) throws -> FairStall {
        let size = try row.decode(column: "size", as: String.self)
        return FairStall(
            fair: try row.decode(column: "fair_slug", as: String.self), code: try row.decode(column: "code", as: String.self),
            zone: try row.decode(column: "zone", as: String.self), size: StallSize(rawValue: size) ?? .standard,
            feeVnd: try row.decode(column: "fee_vnd", as: Int.self),
            pointSlug: try row.decode(column: "point_slug", as: String.self),
            producer: try row.decode(column: "producer_slug", as: String?.self),
            applicationID: try row.decode(column: "application_id", as: Int?.self),
            closedAt: try row.decode(column: "closed_at", as: String?.self))
    }

    /// The audit row of a fair write, and the revision bump that tells other nodes.
    static func recordChange(
        _ sql: any SQLDatabase, actor: String, action: String, entity: String, id: String, before: String?,
        after: String?, at timestamp: String
    ) async throws {
        try await AuditLog.append(
            sql, actor: actor, action: action, entity: entity, entityID: id, before: before, after: after, at: timestamp)
        try await sql.raw("UPDATE fairs_revision SET revision = revision + 1 WHERE id = 1").run()
        sql.announce(.fairs)
    }
}

extension FairStall {
    init(fair: String, code: String, zone: String, size: StallSize, feeVnd: Int, pointSlug: String) {
        self.init(
            fair: fair, code: code, zone: zone, size: size, feeVnd: feeVnd, pointSlug: pointSlug, producer: nil,
            applicationID: nil, closedAt: nil)
    }
}
