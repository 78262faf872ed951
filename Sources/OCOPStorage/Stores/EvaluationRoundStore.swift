public import OCOPDomain
import SQLKit

/// An evaluation round ("đợt đánh giá") of the provincial council, with the dossiers it scores.
public struct EvaluationRoundRecord: Sendable, Encodable {
    public var id: Int
    public var name: String
    public var province: String
    public var authority: String
    public var meetsOn: CalendarDate
    public var dossiers: [DossierRecord]
}

/// The council's decision on one dossier, as the office records it.
public struct CouncilDecision: Sendable {
    public var decisionNumber: String
    public var decidedOn: CalendarDate
    /// Required when the average certifies (3★ or more).
    public var certificateNumber: String?

    public init(decisionNumber: String, decidedOn: CalendarDate, certificateNumber: String?) {
        self.decisionNumber = decisionNumber
        self.decidedOn = decidedOn
        self.certificateNumber = certificateNumber
    }
}

/// Rounds of the provincial council: reviewed dossiers join a round, each member's sheet is
/// recorded, and the decision issues the certificate through the certificate lifecycle, in the
/// same commit, so the product is published by the same rule as any other certificate.
public struct EvaluationRoundStore: Sendable {
    private let database: Database

    public init(database: Database) { self.database = database }

    public func create(
        name: String, province: String, authority: String, meetsOn: CalendarDate, actor: String, at now: Moment
    ) -> StoreOperation<EvaluationRoundRecord> {
        StoreOperation { sql in
            let timestamp = ISOTimestamp.string(now)
            guard
                let row = try await sql.raw(
                    """
                    INSERT INTO evaluation_rounds (name, province_code, authority, meets_on, created_by, created_at)
                    VALUES (\(bind: name), \(bind: province), \(bind: authority), \(bind: meetsOn.description),
                        \(bind: actor), \(bind: timestamp))
                    RETURNING id
                    """
                ).first()
            else { throw DomainError(.conflict, "the round was not recorded") }
            let id = try row.decode(column: "id", as: Int.self)
            try await AuditLog.append(
                sql, actor: actor, action: "create", entity: "evaluation_round", entityID: String(id), before: nil,
                after: try CanonicalJSON.encode(["name": name, "province": province]), at: timestamp)
            return try await Self.require(id, sql)
        }
    }

    /// A reviewed dossier of the round's province joins the round.
    public func add(dossier: Int, to round: Int, actor: String, at now: Moment) -> StoreOperation<EvaluationRoundRecord> {
        StoreOperation { sql in
            let record = try await Self.require(round, sql)
            let dossierRecord = try await DossierStore.lock(dossier, sql)
            guard dossierRecord.state == .reviewed else {
                throw DomainError.invalid(field: "dossier", "dossier \(dossier) is \(dossierRecord.state.rawValue), not reviewed by the commune")
            }
            guard dossierRecord.province == record.province else {
                throw DomainError.invalid(field: "dossier", "the product is in province \(dossierRecord.province), not \(record.province)")
            }
            try await sql.raw("UPDATE dossiers SET round_id = \(bind: round) WHERE id = \(bind: dossier)").run()
            _ = try await DossierStore.move(dossier, to: .inEvaluation, note: record.name, actor: actor, at: now, sql)
            return try await Self.require(round, sql)
        }
    }

    /// One member's sheet for a dossier of the round; a member scoring again replaces their sheet.
    public func score(_ score: MemberScore, dossier: Int, in round: Int, actor: String, at now: Moment)
        -> StoreOperation<DossierRecord>
    {
        StoreOperation { sql in
            let record = try await Self.dossierInRound(dossier, round, sql)
            guard record.state == .inEvaluation else {
                throw DomainError(.conflict, "dossier \(dossier) was decided: its scores are final")
            }
            let timestamp = ISOTimestamp.string(now)
            try await sql.raw("DELETE FROM evaluation_scores WHERE dossier_id = \(bind: dossier) AND member = \(bind: score.member)").run()
            try await sql.raw(
                """
                INSERT INTO evaluation_scores (dossier_id, member, part_a, part_b, part_c, scored_by, scored_at)
                VALUES (\(bind: dossier), \(bind: score.member), \(bind: score.partA), \(bind: score.partB),
                    \(bind: score.partC), \(bind: actor), \(bind: timestamp))
                """
            ).run()
            try await AuditLog.append(
                sql, actor: actor, action: "score", entity: "dossier", entityID: String(dossier), before: nil,
                after: try CanonicalJSON.encode(["member": score.member, "total_tenths": String(score.totalTenths)]),
                at: timestamp)
            return try await DossierStore.require(dossier, sql)
        }
    }

    /// The decision on a scored dossier: 3★ or more issues the certificate (4★ "potential 5★" for
    /// 90 and over); less closes the dossier as not certified.
    public func decide(_ decision: CouncilDecision, dossier: Int, in round: Int, actor: String, at now: Moment)
        -> StoreOperation<DossierRecord>
    {
        StoreOperation { sql in
            let roundRecord = try await Self.require(round, sql)
            let record = try await Self.dossierInRound(dossier, round, sql)
            guard record.state == .inEvaluation else {
                throw DomainError(.conflict, "dossier \(dossier) is \(record.state.rawValue): decided already")
            }
            guard let result = CouncilResult(try await DossierStore.scores(dossier, sql)) else {
                throw DomainError.invalid(field: "scores", "no member has scored this dossier")
            }
            // An upgrade that does not reach above today's level leaves the current certificate as it is.
            var certifies = result.certifies
            var outcome = "\(result.certificateScore) → \(result.band)"
            if record.kind == .upgrade, certifies {
                let history = try await CertificateStore.certificates(of: record.product, sql).map(\.certificate)
                if let current = PublicationRule.currentCertificate(among: history, on: CalendarDate(inVietnamAt: now)),
                    result.stars <= current.stars
                {
                    certifies = false
                    outcome += ": not above the current \(current.stars)"
                }
            }
            var number: String?
            if certifies {
                guard let certificateNumber = decision.certificateNumber, !certificateNumber.isEmpty else {
                    throw DomainError.invalid(field: "certificate_number", "a \(result.stars) decision issues a certificate: its number is required")
                }
                let certificate = Certificate(
                    number: certificateNumber, decisionNumber: decision.decisionNumber, authority: roundRecord.authority,
                    stars: result.stars, score: result.certificateScore, issuedOn: decision.decidedOn,
                    potentialFiveStar: result.potentialFiveStar, legalBasis: BundledData.classification.legalBasis)
                let kind: CertificationKind =
                    switch record.kind {
                    case .new: .issue
                    case .reEvaluation: .reRecognition
                    case .upgrade: .upgrade
                    }
                try await CertificateStore.add(certificate, kind: kind, to: record.product, actor: actor, at: now, sql)
                number = certificateNumber
            }
            try await sql.raw(
                """
                UPDATE dossiers SET certificate_number = \(bind: number), decision_number = \(bind: decision.decisionNumber),
                    decided_on = \(bind: decision.decidedOn.description)
                WHERE id = \(bind: dossier)
                """
            ).run()
            return try await DossierStore.move(
                dossier, to: certifies ? .certified : .notCertified, note: outcome, actor: actor, at: now, sql)
        }
    }

    public func round(_ id: Int) async throws -> EvaluationRoundRecord? {
        try await database.read { sql in try await Self.round(id, sql) }
    }

    public func list() async throws -> [EvaluationRoundRecord] {
        try await database.read { sql in
            var rounds: [EvaluationRoundRecord] = []
            for row in try await sql.raw("SELECT id FROM evaluation_rounds ORDER BY meets_on DESC, id DESC LIMIT 200").all() {
                if let round = try await Self.round(try row.decode(column: "id", as: Int.self), sql) { rounds.append(round) }
            }
            return rounds
        }
    }

    // MARK: - Inside a transaction

    static func round(_ id: Int, _ sql: any SQLDatabase) async throws -> EvaluationRoundRecord? {
        guard let row = try await sql.raw("SELECT * FROM evaluation_rounds WHERE id = \(bind: id)").first() else { return nil }
        var dossiers: [DossierRecord] = []
        for dossier in try await sql.raw("SELECT id FROM dossiers WHERE round_id = \(bind: id) ORDER BY id").all() {
            if let record = try await DossierStore.dossier(try dossier.decode(column: "id", as: Int.self), sql) {
                dossiers.append(record)
            }
        }
        return EvaluationRoundRecord(
            id: id, name: try row.decode(column: "name", as: String.self),
            province: try row.decode(column: "province_code", as: String.self),
            authority: try row.decode(column: "authority", as: String.self),
            meetsOn: CalendarDate(iso: try row.decode(column: "meets_on", as: String.self)) ?? .latest, dossiers: dossiers)
    }

    private static func require(_ id: Int, _ sql: any SQLDatabase) async throws -> EvaluationRoundRecord {
        guard let round = try await round(id, sql) else { throw DomainError(.notFound, "no evaluation round \(id)") }
        return round
    }

    private static func dossierInRound(_ dossier: Int, _ round: Int, _ sql: any SQLDatabase) async throws -> DossierRecord {
        let record = try await DossierStore.lock(dossier, sql)
        guard record.round == round else { throw DomainError(.notFound, "round \(round) has no dossier \(dossier)") }
        return record
    }
}
