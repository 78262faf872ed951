public import OCOPDomain
public import SQLKit

// MARK: - Applications, the waiting list and allocation

extension FairStore {
    /// A producer applies for stalls with the products it will bring (its own, each named once).
    public func apply(
        fair slug: String, producer: String, products: [String], stallsWanted: Int, note: String?, actor: String,
        at now: Moment
    ) async throws -> FairApplication {
        let operation = applying(
            fair: slug, producer: producer, products: products, stallsWanted: stallsWanted, note: note, actor: actor,
            at: now)
        return try await database.transaction { sql in try await operation.body(sql) }
    }

    /// `apply` as one operation of the write pipeline, answering the application.
    public func applying(
        fair slug: String, producer: String, products: [String], stallsWanted: Int, note: String?, actor: String,
        at now: Moment
    ) -> StoreOperation<FairApplication> {
        let timestamp = ISOTimestamp.string(now)
        return StoreOperation { sql in
            guard let fair = try await Self.fair(slug, sql) else { throw DomainError(.notFound, "no fair '\(slug)'") }
            guard fair.status(on: CalendarDate(inVietnamAt: now)) != .closed else {
                throw DomainError(.conflict, "fair '\(slug)' is closed; it takes no applications")
            }
            guard try await sql.raw("SELECT slug FROM producers WHERE slug = \(bind: producer)").first() != nil else {
                throw DomainError.invalid(field: "producer", "no producer '\(producer)'")
            }
            var owners: [String: String] = [:]
            for row in try await sql.raw(
                "SELECT slug, producer_slug FROM products WHERE slug IN (\(SQLList(products.map { SQLBind($0) })))"
            ).all() {
                owners[try row.decode(column: "slug", as: String.self)] = try row.decode(
                    column: "producer_slug", as: String.self)
            }
            var issues: [DomainError.FieldIssue] = []
            for (index, product) in products.enumerated() {
                if owners[product] == nil {
                    issues.append(.init(field: "products[\(index)]", reason: "no product '\(product)'"))
                } else if owners[product] != producer {
                    issues.append(.init(field: "products[\(index)]", reason: "'\(product)' is not a product of \(producer)"))
                }
            }
            guard issues.isEmpty else { throw DomainError(.invalid, "products: not this producer's", issues: issues) }
            if let open = try await sql.raw(
                """
                SELECT id FROM fair_applications
                WHERE fair_slug = \(bind: slug) AND producer_slug = \(bind: producer) AND status <> 'cancelled'
                """
            ).first()?.decode(column: "id", as: Int.self) {
                throw DomainError(.conflict, "\(producer) already applied to fair '\(slug)' (application \(open))")
            }
            let id = try await sql.raw(
                """
                INSERT INTO fair_applications (fair_slug, producer_slug, stalls_wanted, note, status, created_at,
                    created_by, updated_at)
                VALUES (\(bind: slug), \(bind: producer), \(bind: stallsWanted), \(bind: note), 'pending',
                    \(bind: timestamp), \(bind: actor), \(bind: timestamp))
                RETURNING id
                """
            ).first()?.decode(column: "id", as: Int.self) ?? 0
            for product in products {
                try await sql.raw(
                    """
                    INSERT INTO fair_application_products (application_id, product_slug)
                    VALUES (\(bind: id), \(bind: product))
                    """
                ).run()
            }
            let application = try await Self.application(id, sql)!
            try await Self.recordChange(
                sql, actor: actor, action: "apply", entity: "fair_application", id: String(id), before: nil,
                after: try CanonicalJSON.encode(application), at: timestamp)
            return application
        }
    }

    /// The applications to a fair, oldest first (the waiting list's order).
    public func applications(fair slug: String) async throws -> [FairApplication] {
        try await database.read { sql in
            guard try await Self.fair(slug, sql) != nil else { throw DomainError(.notFound, "no fair '\(slug)'") }
            var result: [FairApplication] = []
            for row in try await sql.raw(
                "SELECT id FROM fair_applications WHERE fair_slug = \(bind: slug) ORDER BY id"
            ).all() {
                if let application = try await Self.application(try row.decode(column: "id", as: Int.self), sql) {
                    result.append(application)
                }
            }
            return result
        }
    }

    /// Puts a pending application on the waiting list.
    public func waitlisting(fair slug: String, application id: Int, actor: String, at now: Moment)
        -> StoreOperation<FairApplication>
    {
        changeStatus(fair: slug, application: id, to: .waiting, actor: actor, at: now) { application in
            guard application.status == .pending else {
                throw DomainError(
                    .conflict, "application \(id) is \(application.status.rawValue); only a pending one can wait")
            }
        }
    }

    /// Cancels an application and frees the stalls it held (none may still hold goods). Answers the
    /// application and the first one left on the waiting list, for the manager to serve next.
    /// `authorise` sees the application before anything changes (who may cancel depends on whose it is).
    public func cancelling(
        fair slug: String, application id: Int, actor: String, at now: Moment,
        authorise: @escaping @Sendable (FairApplication) throws -> Void
    ) -> StoreOperation<FairApplicationCancellation> {
        let timestamp = ISOTimestamp.string(now)
        return StoreOperation { sql in
            guard let before = try await Self.application(id, sql), before.fair == slug else {
                throw DomainError(.notFound, "no application \(id) to fair '\(slug)'")
            }
            try authorise(before)
            guard before.status != .cancelled else { throw DomainError(.conflict, "application \(id) is already cancelled") }
            for code in before.stalls {
                try await Self.free(fair: slug, code: code, at: timestamp, sql)
            }
            try await sql.raw(
                """
                UPDATE fair_applications SET status = 'cancelled', updated_at = \(bind: timestamp) WHERE id = \(bind: id)
                """
            ).run()
            let after = try await Self.application(id, sql)!
            try await Self.recordChange(
                sql, actor: actor, action: "cancel", entity: "fair_application", id: String(id),
                before: try CanonicalJSON.encode(before), after: try CanonicalJSON.encode(after), at: timestamp)
            let next = try await sql.raw(
                """
                SELECT id FROM fair_applications WHERE fair_slug = \(bind: slug) AND status = 'waiting' ORDER BY id LIMIT 1
                """
            ).first()?.decode(column: "id", as: Int.self)
            return FairApplicationCancellation(
                application: after, nextWaiting: try await next.asyncMap { try await Self.application($0, sql) } ?? nil)
        }
    }

    /// Gives a stall to an application's producer. Exactly one of any number of racing requests for
    /// a free stall wins: the conditional update lets one through, and the unique index on current
    /// allocations would refuse a second even if it did not.
    /// `refusal` answers why a producer may not be allocated (no publishable product), or nil.
    /// Runs in the caller's transaction (with its idempotency record).
    public func allocate(
        _ sql: any SQLDatabase, fair slug: String, stall code: String, application id: Int, actor: String,
        at now: Moment, refusal: (String) -> String?
    ) async throws -> FairStall {
        let timestamp = ISOTimestamp.string(now)
        guard let fair = try await Self.fair(slug, sql) else { throw DomainError(.notFound, "no fair '\(slug)'") }
        guard fair.status(on: CalendarDate(inVietnamAt: now)) != .closed else {
            throw DomainError(.conflict, "fair '\(slug)' is closed; stalls are no longer allocated")
        }
        guard let application = try await Self.application(id, sql), application.fair == slug else {
            throw DomainError.invalid(field: "application_id", "no application \(id) to fair '\(slug)'")
        }
        guard application.status != .cancelled else {
            throw DomainError.invalid(field: "application_id", "application \(id) is cancelled")
        }
        if let reason = refusal(application.producer) {
            throw DomainError.invalid(field: "application_id", reason)
        }
        let claimed = try await sql.raw(
            """
            UPDATE fair_stalls SET producer_slug = \(bind: application.producer), application_id = \(bind: id)
            WHERE fair_slug = \(bind: slug) AND code = \(bind: code) AND producer_slug IS NULL AND closed_at IS NULL
            RETURNING code
            """
        ).first() != nil
        guard claimed else {
            guard let stall = try await Self.stall(fair: slug, code: code, sql) else {
                throw DomainError(.notFound, "fair '\(slug)' has no stall \(code)")
            }
            throw Self.taken(stall)
        }
        do {
            try await sql.raw(
                """
                INSERT INTO fair_allocations (fair_slug, stall_code, application_id, producer_slug, allocated_at,
                    allocated_by)
                VALUES (\(bind: slug), \(bind: code), \(bind: id), \(bind: application.producer), \(bind: timestamp),
                    \(bind: actor))
                """
            ).run()
        } catch let error where EngineError.isUniqueViolation(error) {
            throw DomainError(.conflict, "stall \(code) of fair '\(slug)' is already allocated")
        }
        try await sql.raw(
            """
            UPDATE fair_applications SET status = 'allocated', updated_at = \(bind: timestamp) WHERE id = \(bind: id)
            """
        ).run()
        let stall = try await Self.stall(fair: slug, code: code, sql)!
        try await Self.recordChange(
            sql, actor: actor, action: "allocate", entity: "fair_stall", id: "\(slug)/\(code)", before: nil,
            after: try CanonicalJSON.encode(stall), at: timestamp)
        return stall
    }

    /// Frees one stall; its application goes back to pending when it holds no other stall.
    public func releasing(fair slug: String, stall code: String, actor: String, at now: Moment) -> StoreOperation<FairStall> {
        let timestamp = ISOTimestamp.string(now)
        return StoreOperation { sql in
            guard let before = try await Self.stall(fair: slug, code: code, sql) else {
                throw DomainError(.notFound, "fair '\(slug)' has no stall \(code)")
            }
            guard let application = before.applicationID else {
                throw DomainError(.conflict, "stall \(code) of fair '\(slug)' is not allocated")
            }
            try await Self.free(fair: slug, code: code, at: timestamp, sql)
            try await sql.raw(
                """
                UPDATE fair_applications SET status = 'pending', updated_at = \(bind: timestamp)
                WHERE id = \(bind: application) AND status = 'allocated'
                    AND NOT EXISTS (SELECT 1 FROM fair_stalls WHERE application_id = \(bind: application))
                """
            ).run()
            let after = try await Self.stall(fair: slug, code: code, sql)!
            try await Self.recordChange(
                sql, actor: actor, action: "release", entity: "fair_stall", id: "\(slug)/\(code)",
                before: try CanonicalJSON.encode(before), after: try CanonicalJSON.encode(after), at: timestamp)
            return after
        }
    }

    // MARK: - Inside a transaction

    static func application(_ id: Int, _ sql: any SQLDatabase) async throws -> FairApplication? {
        guard let row = try await sql.raw("SELECT * FROM fair_applications WHERE id = \(bind: id)").first() else {
            return nil
        }
        let products = try await sql.raw(
            "SELECT product_slug FROM fair_application_products WHERE application_id = \(bind: id) ORDER BY product_slug"
        ).all().map { try $0.decode(column: "product_slug", as: String.self) }
        let stalls = try await sql.raw(
            "SELECT code FROM fair_stalls WHERE application_id = \(bind: id) ORDER BY code"
        ).all().map { try $0.decode(column: "code", as: String.self) }
        let status = try row.decode(column: "status", as: String.self)
        return FairApplication(
            id: id, fair: try row.decode(column: "fair_slug", as: String.self),
            producer: try row.decode(column: "producer_slug", as: String.self), products: products,
            stallsWanted: try row.decode(column: "stalls_wanted", as: Int.self),
            note: try row.decode(column: "note", as: String?.self), status: FairApplication.Status(rawValue: status) ?? .pending,
            stalls: stalls, createdAt: try row.decode(column: "created_at", as: String.self),
            createdBy: try row.decode(column: "created_by", as: String.self))
    }

    /// Ends a stall's current allocation. A stall that holds goods or was closed keeps its producer.
    private static func free(fair slug: String, code: String, at timestamp: String, _ sql: any SQLDatabase) async throws {
        guard let stall = try await stall(fair: slug, code: code, sql) else { return }
        guard stall.closedAt == nil else {
            throw DomainError(.conflict, "stall \(code) of fair '\(slug)' is closed; its allocation is history now")
        }
        let held = try await sql.raw(
            "SELECT CAST(COALESCE(SUM(quantity), 0) AS BIGINT) AS n FROM stock_levels WHERE point_slug = \(bind: stall.pointSlug)"
        ).first()?.decode(column: "n", as: Int.self) ?? 0
        guard held == 0 else {
            throw DomainError(.conflict, "stall \(code) of fair '\(slug)' holds \(held) units; close it (count and return) first")
        }
        try await sql.raw(
            """
            UPDATE fair_stalls SET producer_slug = NULL, application_id = NULL
            WHERE fair_slug = \(bind: slug) AND code = \(bind: code)
            """
        ).run()
        try await sql.raw(
            """
            UPDATE fair_allocations SET released_at = \(bind: timestamp)
            WHERE fair_slug = \(bind: slug) AND stall_code = \(bind: code) AND released_at IS NULL
            """
        ).run()
    }

    private static func taken(_ stall: FairStall) -> DomainError {
        if stall.closedAt != nil {
            return DomainError(.conflict, "stall \(stall.code) of fair '\(stall.fair)' is closed")
        }
        return DomainError(
            .conflict, "stall \(stall.code) of fair '\(stall.fair)' is already allocated to \(stall.producer ?? "?")",
            issues: [.init(field: "stall", reason: "\(stall.code) is taken")])
    }

    private func changeStatus(
        fair slug: String, application id: Int, to status: FairApplication.Status, actor: String, at now: Moment,
        check: @escaping @Sendable (FairApplication) throws -> Void
    ) -> StoreOperation<FairApplication> {
        let timestamp = ISOTimestamp.string(now)
        return StoreOperation { sql in
            guard let before = try await Self.application(id, sql), before.fair == slug else {
                throw DomainError(.notFound, "no application \(id) to fair '\(slug)'")
            }
            try check(before)
            try await sql.raw(
                """
                UPDATE fair_applications SET status = \(bind: status.rawValue), updated_at = \(bind: timestamp)
                WHERE id = \(bind: id)
                """
            ).run()
            let after = try await Self.application(id, sql)!
            try await Self.recordChange(
                sql, actor: actor, action: status.rawValue, entity: "fair_application", id: String(id),
                before: try CanonicalJSON.encode(before), after: try CanonicalJSON.encode(after), at: timestamp)
            return after
        }
    }
}

extension Optional {
    fileprivate func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
