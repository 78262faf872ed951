public import OCOPDomain
import SQLKit

/// Local OCOP plans: a locality's targets for a year, and their progress counted from the records.
/// Only the programme office writes plans; each write commits with its audit row.
public struct PlanStore: Sendable {
    private let database: Database

    public init(database: Database) { self.database = database }

    /// Records a plan with its targets; a second plan with the same locality, year and decision
    /// number is a conflict.
    public func create(_ plan: NewPlan, actor: String, at now: Moment) -> StoreOperation<PlanRecord> {
        StoreOperation { sql in
            let taken = try await sql.raw(
                """
                SELECT id FROM plans WHERE locality_code = \(bind: plan.locality.code) AND year = \(bind: plan.year)
                    AND decision_number = \(bind: plan.decisionNumber)
                """
            ).first()
            if taken != nil {
                throw DomainError(.conflict, "plan \(plan.decisionNumber) of \(plan.locality.code) for \(plan.year) exists")
            }
            let timestamp = ISOTimestamp.string(now)
            let inserted: (any SQLRow)?
            do {
                inserted = try await sql.raw(
                    """
                    INSERT INTO plans (locality_code, year, decision_number, title, created_by, created_at)
                    VALUES (\(bind: plan.locality.code), \(bind: plan.year), \(bind: plan.decisionNumber),
                        \(bind: plan.title), \(bind: actor), \(bind: timestamp))
                    RETURNING id
                    """
                ).first()
            } catch let error where EngineError.isUniqueViolation(error) {
                throw DomainError(.conflict, "plan \(plan.decisionNumber) of \(plan.locality.code) for \(plan.year) exists")
            }
            guard let row = inserted else { throw DomainError(.conflict, "the plan was not recorded") }
            let id = try row.decode(column: "id", as: Int.self)
            for (position, target) in plan.targets.enumerated() {
                try await sql.raw(
                    """
                    INSERT INTO plan_targets (plan_id, position, kind, label, target)
                    VALUES (\(bind: id), \(bind: position), \(bind: target.kind.rawValue), \(bind: target.label),
                        \(bind: target.target))
                    """
                ).run()
            }
            try await AuditLog.append(
                sql, actor: actor, action: "create", entity: "plan", entityID: String(id), before: nil,
                after: try CanonicalJSON.encode(["decision_number": plan.decisionNumber, "locality": plan.locality.code]),
                at: timestamp)
            guard let record = try await Self.plan(id, sql) else { throw DomainError(.notFound, "no plan \(id)") }
            return record
        }
    }

    /// A dated entry for a target counted by hand.
    public func addEntry(
        plan: Int, target: Int, on day: CalendarDate, amount: Int, note: String, actor: String, at now: Moment
    ) -> StoreOperation<PlanRecord> {
        StoreOperation { sql in
            guard
                let row = try await sql.raw(
                    "SELECT t.kind, p.year FROM plan_targets t JOIN plans p ON p.id = t.plan_id WHERE t.id = \(bind: target) AND t.plan_id = \(bind: plan)"
                ).first()
            else { throw DomainError(.notFound, "plan \(plan) has no target \(target)") }
            guard try row.decode(column: "kind", as: String.self) == PlanTargetKind.manual.rawValue else {
                throw DomainError.invalid(field: "target", "this target is counted from the records, not by hand")
            }
            guard day.year == (try row.decode(column: "year", as: Int.self)) else {
                throw DomainError.invalid(field: "on", "a day of the plan's year")
            }
            let timestamp = ISOTimestamp.string(now)
            try await sql.raw(
                """
                INSERT INTO plan_target_entries (target_id, on_day, amount, note, actor, at)
                VALUES (\(bind: target), \(bind: day.description), \(bind: amount), \(bind: note), \(bind: actor),
                    \(bind: timestamp))
                """
            ).run()
            try await AuditLog.append(
                sql, actor: actor, action: "entry", entity: "plan", entityID: String(plan), before: nil,
                after: try CanonicalJSON.encode(["target": String(target), "amount": String(amount), "on": day.description]),
                at: timestamp)
            guard let record = try await Self.plan(plan, sql) else { throw DomainError(.notFound, "no plan \(plan)") }
            return record
        }
    }

    public func plan(_ id: Int) async throws -> PlanRecord? {
        try await database.read { sql in try await Self.plan(id, sql) }
    }

    /// Every plan, newest year first; `year` narrows them. Targets and progress included, counted
    /// up to `asOf` when given.
    public func list(year: Int?, asOf: CalendarDate? = nil) async throws -> [PlanRecord] {
        try await database.read { sql in
            let rows = try await sql.raw(
                """
                SELECT id FROM plans \(year.map { SQLQueryString("WHERE year = \(bind: $0)") } ?? "")
                ORDER BY year DESC, locality_code, id LIMIT 500
                """
            ).all()
            var plans: [PlanRecord] = []
            for row in rows {
                if let plan = try await Self.plan(try row.decode(column: "id", as: Int.self), asOf: asOf, sql) { plans.append(plan) }
            }
            return plans
        }
    }

    static func plan(_ id: Int, asOf: CalendarDate? = nil, _ sql: any SQLDatabase) async throws -> PlanRecord? {
        guard let row = try await sql.raw("SELECT * FROM plans WHERE id = \(bind: id)").first() else { return nil }
        let code = try row.decode(column: "locality_code", as: String.self)
        let year = try row.decode(column: "year", as: Int.self)
        let localities = BundledData.localities
        guard let locality = PlanLocality(code: code, in: localities) else {
            throw DomainError(.invalid, "plan \(id) names locality \(code), which the 2025 list does not have")
        }
        let name =
            switch locality {
            case .province(let code): localities.province(code: code)?.name ?? code
            case .commune(let code, let province):
                [localities.commune(code: code)?.name, localities.province(code: province)?.name]
                    .compactMap { $0 }.joined(separator: ", ")
            }
        var targets: [PlanTargetRecord] = []
        for target in try await sql.raw("SELECT * FROM plan_targets WHERE plan_id = \(bind: id) ORDER BY position").all() {
            let targetID = try target.decode(column: "id", as: Int.self)
            let kind = PlanTargetKind(rawValue: try target.decode(column: "kind", as: String.self)) ?? .manual
            let goal = try target.decode(column: "target", as: Int.self)
            let counted = try await PlanProgress.counted(kind, locality: locality, year: year, asOf: asOf, sql)
            let entries =
                kind == .manual
                ? try await Self.entries(targetID, sql).filter { entry in asOf.map { entry.on <= $0 } ?? true } : []
            let done = kind == .manual ? entries.reduce(0) { $0 + $1.amount } : counted.count
            targets.append(
                PlanTargetRecord(
                    id: targetID, kind: kind, label: try target.decode(column: "label", as: String.self), target: goal,
                    done: done, percent: PlanRules.percent(done: done, of: goal), counted: counted, entries: entries))
        }
        return PlanRecord(
            id: id, locality: code, localityName: name, year: year,
            decisionNumber: try row.decode(column: "decision_number", as: String.self),
            title: try row.decode(column: "title", as: String.self), targets: targets)
    }

    private static func entries(_ target: Int, _ sql: any SQLDatabase) async throws -> [PlanEntryRecord] {
        try await sql.raw(
            "SELECT * FROM plan_target_entries WHERE target_id = \(bind: target) ORDER BY on_day, id"
        ).all().map { row in
            PlanEntryRecord(
                id: try row.decode(column: "id", as: Int.self),
                on: CalendarDate(iso: try row.decode(column: "on_day", as: String.self)) ?? .latest,
                amount: try row.decode(column: "amount", as: Int.self),
                note: try row.decode(column: "note", as: String.self),
                actor: try row.decode(column: "actor", as: String.self))
        }
    }
}
