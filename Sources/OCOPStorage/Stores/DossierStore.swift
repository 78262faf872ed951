public import OCOPDomain
import SQLKit

/// Dossiers ("hồ sơ") for products entering evaluation. The producer opens one and fills in the
/// checklist; the commune office reviews it and passes it on (or returns it with a note); an
/// evaluation round (`EvaluationRoundStore`) takes it from there. Every change commits with a
/// history row and an audit row.
public struct DossierStore: Sendable {
    let database: Database

    public init(database: Database) { self.database = database }

    /// Opens a dossier for a product: a new product has never held a 3★+ certificate; a
    /// re-evaluation follows an earlier one; an upgrade needs a valid one today.
    public func open(product: String, kind: DossierKind, actor: String, at now: Moment) -> StoreOperation<DossierRecord> {
        StoreOperation { sql in
            guard let row = try await sql.raw("SELECT producer_slug FROM products WHERE slug = \(bind: product)").first()
            else { throw DomainError(.notFound, "no product '\(product)'") }
            let producer = try row.decode(column: "producer_slug", as: String.self)
            let history = try await CertificateStore.certificates(of: product, sql).map(\.certificate)
            let today = CalendarDate(inVietnamAt: now)
            let certified = history.filter { $0.stars >= StarRating.certifiedMinimum }
            switch kind {
            case .new where !certified.isEmpty:
                throw DomainError.invalid(field: "kind", "the product was certified before: a re-evaluation or an upgrade")
            case .reEvaluation where certified.isEmpty:
                throw DomainError.invalid(field: "kind", "nothing to re-evaluate: the product was never certified")
            case .upgrade where PublicationRule.currentCertificate(among: history, on: today) == nil:
                throw DomainError.invalid(field: "kind", "an upgrade needs a valid certificate today")
            default: break
            }
            if let open = try await sql.raw(
                "SELECT id FROM dossiers WHERE product_slug = \(bind: product) AND state NOT IN ('certified', 'not_certified')"
            ).first() {
                throw DomainError(.conflict, "the product already has dossier \(try open.decode(column: "id", as: Int.self)) open")
            }
            let timestamp = ISOTimestamp.string(now)
            let insertedRow: (any SQLRow)?
            do {
                insertedRow = try await sql.raw(
                    """
                    INSERT INTO dossiers (product_slug, producer_slug, kind, state, created_at, updated_at)
                    VALUES (\(bind: product), \(bind: producer), \(bind: kind.rawValue), 'draft', \(bind: timestamp),
                        \(bind: timestamp))
                    RETURNING id
                    """
                ).first()
            } catch let error where EngineError.isUniqueViolation(error) {
                // Another request opened one between the check above and this insert.
                throw DomainError(.conflict, "the product already has a dossier open")
            }
            guard let inserted = insertedRow else { throw DomainError(.conflict, "the dossier was not recorded") }
            let id = try inserted.decode(column: "id", as: Int.self)
            for item in DossierItem.allCases {
                try await sql.raw(
                    """
                    INSERT INTO dossier_items (dossier_id, item, state, note, updated_at)
                    VALUES (\(bind: id), \(bind: item.rawValue), 'missing', '', \(bind: timestamp))
                    """
                ).run()
            }
            try await Self.event(id, .draft, note: nil, actor: actor, at: timestamp, sql)
            return try await Self.require(id, sql)
        }
    }

    /// The producer's text for one checklist item; an item with text or files is "provided".
    public func fill(_ id: Int, item: DossierItem, note: String, actor: String, at now: Moment) -> StoreOperation<DossierRecord> {
        StoreOperation { sql in
            let dossier = try await Self.lock(id, sql)
            guard dossier.state.isEditableByProducer else {
                throw DomainError(.conflict, "dossier \(id) is \(dossier.state.rawValue): it can no longer be edited")
            }
            let files = try await sql.raw(
                "SELECT COUNT(*) AS n FROM dossier_files WHERE dossier_id = \(bind: id) AND item = \(bind: item.rawValue)"
            ).first()?.decode(column: "n", as: Int.self) ?? 0
            let state: DossierItemState = note.isEmpty && files == 0 ? .missing : .provided
            let timestamp = ISOTimestamp.string(now)
            try await sql.raw(
                """
                UPDATE dossier_items SET state = \(bind: state.rawValue), note = \(bind: note), updated_at = \(bind: timestamp)
                WHERE dossier_id = \(bind: id) AND item = \(bind: item.rawValue)
                """
            ).run()
            try await Self.touch(id, at: timestamp, sql)
            return try await Self.require(id, sql)
        }
    }

    /// Records a file already written under the media folder on a checklist item.
    public func attach(_ id: Int, item: DossierItem, _ upload: DossierUpload, actor: String, at now: Moment)
        -> StoreOperation<DossierRecord>
    {
        StoreOperation { sql in
            let dossier = try await Self.lock(id, sql)
            guard dossier.state.isEditableByProducer else {
                throw DomainError(.conflict, "dossier \(id) is \(dossier.state.rawValue): it can no longer be edited")
            }
            let count = try await sql.raw("SELECT COUNT(*) AS n FROM dossier_files WHERE dossier_id = \(bind: id)")
                .first()?.decode(column: "n", as: Int.self) ?? 0
            guard count < Self.maxFiles else {
                throw DomainError(.conflict, "dossier \(id) already holds \(Self.maxFiles) files")
            }
            let timestamp = ISOTimestamp.string(now)
            try await sql.raw(
                """
                INSERT INTO dossier_files (dossier_id, item, file_name, stored_path, content_type, bytes, sha256,
                    uploaded_by, uploaded_at)
                VALUES (\(bind: id), \(bind: item.rawValue), \(bind: upload.fileName), \(bind: upload.storedPath),
                    \(bind: upload.type.rawValue), \(bind: upload.bytes), \(bind: upload.sha256), \(bind: actor),
                    \(bind: timestamp))
                """
            ).run()
            try await sql.raw(
                """
                UPDATE dossier_items SET state = 'provided', updated_at = \(bind: timestamp)
                WHERE dossier_id = \(bind: id) AND item = \(bind: item.rawValue)
                """
            ).run()
            try await Self.touch(id, at: timestamp, sql)
            return try await Self.require(id, sql)
        }
    }

    /// A dossier holds at most this many files in all.
    public static let maxFiles = 60

    /// The producer sends the dossier to the commune office: every item must be provided.
    public func submit(_ id: Int, actor: String, at now: Moment) -> StoreOperation<DossierRecord> {
        StoreOperation { sql in
            let dossier = try await Self.lock(id, sql)
            guard dossier.state.isEditableByProducer else {
                throw DomainError(.conflict, "dossier \(id) is \(dossier.state.rawValue), not a draft")
            }
            let missing = dossier.items.filter { $0.state == .missing || $0.state == .needsWork }
            guard missing.isEmpty else {
                throw DomainError(
                    .invalid, "the checklist is not complete",
                    issues: missing.map { .init(field: "items.\($0.item.rawValue)", reason: $0.state == .missing ? "missing" : "needs work") })
            }
            return try await Self.move(id, to: .submitted, note: nil, actor: actor, at: now, sql)
        }
    }

    /// The commune office's review: `pass` accepts every item and sends the dossier on to the
    /// province; otherwise it goes back to the producer with the note, the named items marked.
    public func review(
        _ id: Int, pass: Bool, note: String, needsWork: Set<DossierItem>, actor: String, at now: Moment
    ) -> StoreOperation<DossierRecord> {
        StoreOperation { sql in
            let dossier = try await Self.lock(id, sql)
            guard dossier.state == .submitted else {
                throw DomainError(.conflict, "dossier \(id) is \(dossier.state.rawValue), not submitted")
            }
            if !pass && note.isEmpty && needsWork.isEmpty {
                throw DomainError.invalid(field: "note", "say what the producer must complete")
            }
            let timestamp = ISOTimestamp.string(now)
            for item in dossier.items {
                let state: DossierItemState = pass ? .accepted : (needsWork.contains(item.item) ? .needsWork : item.state)
                try await sql.raw(
                    """
                    UPDATE dossier_items SET state = \(bind: state.rawValue), updated_at = \(bind: timestamp)
                    WHERE dossier_id = \(bind: id) AND item = \(bind: item.item.rawValue)
                    """
                ).run()
            }
            try await sql.raw("UPDATE dossiers SET review_note = \(bind: note.isEmpty ? nil : note) WHERE id = \(bind: id)").run()
            return try await Self.move(id, to: pass ? .reviewed : .returned, note: note.isEmpty ? nil : note, actor: actor, at: now, sql)
        }
    }

    // MARK: - Inside a transaction

    /// The dossier, its row locked on PostgreSQL so two writers take turns.
    static func lock(_ id: Int, _ sql: any SQLDatabase) async throws -> DossierRecord {
        if sql.dialect.name == "postgresql" {
            _ = try await sql.raw("SELECT id FROM dossiers WHERE id = \(bind: id) FOR UPDATE").first()
        }
        return try await require(id, sql)
    }

    static func require(_ id: Int, _ sql: any SQLDatabase) async throws -> DossierRecord {
        guard let dossier = try await DossierStore.dossier(id, sql) else { throw DomainError(.notFound, "no dossier \(id)") }
        return dossier
    }

    static func move(
        _ id: Int, to state: DossierState, note: String?, actor: String, at now: Moment, _ sql: any SQLDatabase
    ) async throws -> DossierRecord {
        let timestamp = ISOTimestamp.string(now)
        try await sql.raw(
            "UPDATE dossiers SET state = \(bind: state.rawValue), updated_at = \(bind: timestamp) WHERE id = \(bind: id)"
        ).run()
        try await event(id, state, note: note, actor: actor, at: timestamp, sql)
        try await AuditLog.append(
            sql, actor: actor, action: state.rawValue, entity: "dossier", entityID: String(id), before: nil,
            after: note.map { try CanonicalJSON.encode(["note": $0]) }, at: timestamp)
        return try await require(id, sql)
    }

    static func event(
        _ id: Int, _ state: DossierState, note: String?, actor: String, at timestamp: String, _ sql: any SQLDatabase
    ) async throws {
        try await sql.raw(
            """
            INSERT INTO dossier_events (dossier_id, at, actor, state, note)
            VALUES (\(bind: id), \(bind: timestamp), \(bind: actor), \(bind: state.rawValue), \(bind: note))
            """
        ).run()
    }

    private static func touch(_ id: Int, at timestamp: String, _ sql: any SQLDatabase) async throws {
        try await sql.raw("UPDATE dossiers SET updated_at = \(bind: timestamp) WHERE id = \(bind: id)").run()
    }
}
