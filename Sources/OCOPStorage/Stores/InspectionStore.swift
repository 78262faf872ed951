import Foundation
public import OCOPDomain
import SQLKit

/// One area an inspection looked at: fine, or what was found.
public struct InspectionFinding: Sendable, Codable, Hashable {
    public var area: InspectionArea
    public var ok: Bool
    public var note: String

    public init(area: InspectionArea, ok: Bool, note: String) {
        self.area = area
        self.ok = ok
        self.note = note
    }
}

/// A post-inspection as recorded, with its follow-up.
public struct InspectionRecord: Sendable, Encodable {
    public var id: Int
    public var product: String
    public var productName: String
    public var certificateNumber: String
    public var inspectedOn: CalendarDate
    public var team: String
    public var findings: [InspectionFinding]
    public var outcome: InspectionOutcome
    public var actions: String?
    public var deadline: CalendarDate?
    public var status: InspectionStatus
    public var decisionNumber: String?
    public var createdBy: String
    public var updatedAt: String
}

/// What an inspection team reports, checked by the controller.
public struct NewInspection: Sendable {
    public var product: String
    public var inspectedOn: CalendarDate
    public var team: String
    public var findings: [InspectionFinding]
    public var outcome: InspectionOutcome
    public var actions: String?
    public var deadline: CalendarDate?

    public init(
        product: String, inspectedOn: CalendarDate, team: String, findings: [InspectionFinding],
        outcome: InspectionOutcome, actions: String?, deadline: CalendarDate?
    ) {
        self.product = product
        self.inspectedOn = inspectedOn
        self.team = team
        self.findings = findings
        self.outcome = outcome
        self.actions = actions
        self.deadline = deadline
    }
}

/// Post-inspections ("hậu kiểm") of certified products. A proposal to revoke waits for the
/// office; confirming it revokes the certificate through the certificate lifecycle, in the same
/// commit, so the product leaves the catalog and its marketplace listings exactly as a revocation does.
public struct InspectionStore: Sendable {
    private let database: Database

    public init(database: Database) { self.database = database }

    public func record(_ inspection: NewInspection, actor: String, at now: Moment) -> StoreOperation<InspectionRecord> {
        StoreOperation { sql in
            let history = try await CertificateStore.certificates(of: inspection.product, sql).map(\.certificate)
            guard let current = PublicationRule.currentCertificate(among: history, on: inspection.inspectedOn) else {
                throw DomainError.invalid(field: "product", "'\(inspection.product)' held no valid certificate on \(inspection.inspectedOn)")
            }
            if inspection.outcome != .compliant, !inspection.findings.contains(where: { !$0.ok }) {
                throw DomainError.invalid(field: "findings", "a \(inspection.outcome.rawValue) outcome needs at least one finding not ok")
            }
            let status: InspectionStatus =
                switch inspection.outcome {
                case .compliant: .closed
                case .corrective: .correctionsDue
                case .revocationProposed: .revocationPending
                }
            let timestamp = ISOTimestamp.string(now)
            guard
                let row = try await sql.raw(
                    """
                    INSERT INTO inspections (product_slug, certificate_number, inspected_on, team, findings, outcome,
                        actions, deadline, status, created_by, created_at, updated_at)
                    VALUES (\(bind: inspection.product), \(bind: current.number), \(bind: inspection.inspectedOn.description),
                        \(bind: inspection.team), \(bind: try CanonicalJSON.encode(inspection.findings)),
                        \(bind: inspection.outcome.rawValue), \(bind: inspection.actions),
                        \(bind: inspection.deadline?.description), \(bind: status.rawValue), \(bind: actor),
                        \(bind: timestamp), \(bind: timestamp))
                    RETURNING id
                    """
                ).first()
            else { throw DomainError(.conflict, "the inspection was not recorded") }
            let id = try row.decode(column: "id", as: Int.self)
            try await AuditLog.append(
                sql, actor: actor, action: inspection.outcome.rawValue, entity: "inspection", entityID: String(id),
                before: nil, after: try CanonicalJSON.encode(["product": inspection.product, "certificate": current.number]),
                at: timestamp)
            return try await Self.require(id, sql)
        }
    }

    /// The office's decision on a proposal to revoke: `revoke` revokes the inspected certificate
    /// with the decision number, on the decision's day; otherwise the proposal is refused.
    public func decideRevocation(
        _ id: Int, revoke: Bool, decisionNumber: String, on day: CalendarDate, actor: String, at now: Moment
    ) -> StoreOperation<InspectionRecord> {
        StoreOperation { sql in
            if sql.dialect.name == "postgresql" {
                _ = try await sql.raw("SELECT id FROM inspections WHERE id = \(bind: id) FOR UPDATE").first()
            }
            let inspection = try await Self.require(id, sql)
            guard inspection.status == .revocationPending else {
                throw DomainError(.conflict, "inspection \(id) is \(inspection.status.rawValue): no revocation awaits a decision")
            }
            if revoke {
                let grounds = inspection.findings.filter { !$0.ok }.map { "\($0.area.rawValue): \($0.note)" }
                try await CertificateStore.revoke(
                    product: inspection.product, number: inspection.certificateNumber, on: day,
                    reason: "Hậu kiểm \(inspection.inspectedOn): " + grounds.joined(separator: "; "),
                    decisionNumber: decisionNumber, actor: actor, at: now, sql)
            }
            let status: InspectionStatus = revoke ? .revoked : .revocationRefused
            let timestamp = ISOTimestamp.string(now)
            try await sql.raw(
                """
                UPDATE inspections SET status = \(bind: status.rawValue), decision_number = \(bind: decisionNumber),
                    updated_at = \(bind: timestamp)
                WHERE id = \(bind: id)
                """
            ).run()
            try await AuditLog.append(
                sql, actor: actor, action: status.rawValue, entity: "inspection", entityID: String(id), before: nil,
                after: try CanonicalJSON.encode(["decision_number": decisionNumber]), at: timestamp)
            return try await Self.require(id, sql)
        }
    }

    /// The corrections were made: the inspection closes.
    public func closeCorrections(_ id: Int, actor: String, at now: Moment) -> StoreOperation<InspectionRecord> {
        StoreOperation { sql in
            let inspection = try await Self.require(id, sql)
            guard inspection.status == .correctionsDue else {
                throw DomainError(.conflict, "inspection \(id) is \(inspection.status.rawValue): no corrections are due")
            }
            let timestamp = ISOTimestamp.string(now)
            try await sql.raw(
                "UPDATE inspections SET status = 'closed', updated_at = \(bind: timestamp) WHERE id = \(bind: id) AND status = 'corrections_due'"
            ).run()
            try await AuditLog.append(
                sql, actor: actor, action: "close", entity: "inspection", entityID: String(id), before: nil, after: nil,
                at: timestamp)
            return try await Self.require(id, sql)
        }
    }

    public func inspection(_ id: Int) async throws -> InspectionRecord? {
        try await database.read { sql in try await Self.inspection(id, sql) }
    }

    /// Newest first; `product` narrows them.
    public func list(product: String?) async throws -> [InspectionRecord] {
        try await database.read { sql in
            let filter: SQLQueryString = product.map { "WHERE product_slug = \(bind: $0)" } ?? ""
            var records: [InspectionRecord] = []
            for row in try await sql.raw("SELECT id FROM inspections \(filter) ORDER BY id DESC LIMIT 500").all() {
                if let record = try await Self.inspection(try row.decode(column: "id", as: Int.self), sql) { records.append(record) }
            }
            return records
        }
    }

    private static func require(_ id: Int, _ sql: any SQLDatabase) async throws -> InspectionRecord {
        guard let record = try await inspection(id, sql) else { throw DomainError(.notFound, "no inspection \(id)") }
        return record
    }

    private static func inspection(_ id: Int, _ sql: any SQLDatabase) async throws -> InspectionRecord? {
        guard
            let row = try await sql.raw(
                "SELECT i.*, p.name_vi FROM inspections i JOIN products p ON p.slug = i.product_slug WHERE i.id = \(bind: id)"
            ).first()
        else { return nil }
        let findings = try JSONDecoder().decode(
            [InspectionFinding].self, from: Data(try row.decode(column: "findings", as: String.self).utf8))
        return InspectionRecord(
            id: id, product: try row.decode(column: "product_slug", as: String.self),
            productName: try row.decode(column: "name_vi", as: String.self),
            certificateNumber: try row.decode(column: "certificate_number", as: String.self),
            inspectedOn: CalendarDate(iso: try row.decode(column: "inspected_on", as: String.self)) ?? .latest,
            team: try row.decode(column: "team", as: String.self), findings: findings,
            outcome: InspectionOutcome(rawValue: try row.decode(column: "outcome", as: String.self)) ?? .compliant,
            actions: try row.decode(column: "actions", as: String?.self),
            deadline: try row.decode(column: "deadline", as: String?.self).flatMap(CalendarDate.init(iso:)),
            status: InspectionStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .closed,
            decisionNumber: try row.decode(column: "decision_number", as: String?.self),
            createdBy: try row.decode(column: "created_by", as: String.self),
            updatedAt: try row.decode(column: "updated_at", as: String.self))
    }
}
