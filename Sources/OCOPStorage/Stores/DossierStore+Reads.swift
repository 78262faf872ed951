public import OCOPDomain
import SQLKit

extension DossierStore {
    public func dossier(_ id: Int) async throws -> DossierRecord? {
        try await database.read { sql in try await Self.dossier(id, sql) }
    }

    /// The dossier board: newest first, at most 500.
    public func list(_ filter: DossierFilter) async throws -> [DossierRecord] {
        try await database.read { sql in
            var conditions: [SQLQueryString] = ["1 = 1"]
            if let producers = filter.producers {
                guard !producers.isEmpty else { return [] }
                conditions.append("d.producer_slug IN (\(SQLList(producers.sorted().map { SQLBind($0) })))")
            }
            if let state = filter.state { conditions.append("d.state = \(bind: state.rawValue)") }
            if let round = filter.round { conditions.append("d.round_id = \(bind: round)") }
            if let product = filter.product { conditions.append("d.product_slug = \(bind: product)") }
            var records: [DossierRecord] = []
            for row in try await sql.raw("SELECT d.id FROM dossiers d WHERE \(conditions.joined(separator: " AND ")) ORDER BY d.id DESC LIMIT 500").all() {
                if let record = try await Self.dossier(try row.decode(column: "id", as: Int.self), sql) { records.append(record) }
            }
            return records
        }
    }

    /// The producer of a product, hidden ones included (a product being evaluated is not public).
    public func producer(ofProduct slug: String) async throws -> String? {
        try await database.read { sql in
            try await sql.raw("SELECT producer_slug FROM products WHERE slug = \(bind: slug)").first()?
                .decode(column: "producer_slug", as: String.self)
        }
    }

    /// A file of a dossier, with where it lies under the media folder.
    public func file(_ fileID: Int, of id: Int) async throws -> (record: DossierFileRecord, path: String)? {
        try await database.read { sql in
            guard
                let row = try await sql.raw(
                    "SELECT * FROM dossier_files WHERE id = \(bind: fileID) AND dossier_id = \(bind: id)"
                ).first()
            else { return nil }
            let record = try Self.file(row)
            return (record, record.storedPath)
        }
    }

    static func dossier(_ id: Int, _ sql: any SQLDatabase) async throws -> DossierRecord? {
        guard
            let row = try await sql.raw(
                """
                SELECT d.*, p.name_vi, p.province_code, p.commune_code FROM dossiers d
                JOIN products p ON p.slug = d.product_slug WHERE d.id = \(bind: id)
                """
            ).first()
        else { return nil }
        let files = try await sql.raw("SELECT * FROM dossier_files WHERE dossier_id = \(bind: id) ORDER BY id").all()
            .map(file)
        let items = try await sql.raw("SELECT * FROM dossier_items WHERE dossier_id = \(bind: id)").all()
            .compactMap { row -> DossierItemRecord? in
                guard let item = DossierItem(rawValue: try row.decode(column: "item", as: String.self)) else { return nil }
                return DossierItemRecord(
                    item: item, state: DossierItemState(rawValue: try row.decode(column: "state", as: String.self)) ?? .missing,
                    note: try row.decode(column: "note", as: String.self), files: files.filter { $0.item == item })
            }
            .sorted { a, b in
                DossierItem.allCases.firstIndex(of: a.item)! < DossierItem.allCases.firstIndex(of: b.item)!
            }
        let sheets = try await scores(id, sql)
        let history = try await sql.raw("SELECT * FROM dossier_events WHERE dossier_id = \(bind: id) ORDER BY id").all()
            .map { row in
                DossierEventRecord(
                    at: try row.decode(column: "at", as: String.self), actor: try row.decode(column: "actor", as: String.self),
                    state: DossierState(rawValue: try row.decode(column: "state", as: String.self)) ?? .draft,
                    note: try row.decode(column: "note", as: String?.self))
            }
        return DossierRecord(
            id: id, product: try row.decode(column: "product_slug", as: String.self),
            productName: try row.decode(column: "name_vi", as: String.self),
            producer: try row.decode(column: "producer_slug", as: String.self),
            province: try row.decode(column: "province_code", as: String.self),
            commune: try row.decode(column: "commune_code", as: String?.self),
            kind: DossierKind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .new,
            state: DossierState(rawValue: try row.decode(column: "state", as: String.self)) ?? .draft,
            round: try row.decode(column: "round_id", as: Int?.self),
            reviewNote: try row.decode(column: "review_note", as: String?.self), items: items,
            scores: sheets.map { sheet in
                DossierScoreRecord(
                    member: sheet.member, partA: Double(sheet.partA) / 10, partB: Double(sheet.partB) / 10,
                    partC: Double(sheet.partC) / 10, total: Double(sheet.totalTenths) / 10)
            },
            result: CouncilResult(sheets).map(CouncilSummary.init),
            certificateNumber: try row.decode(column: "certificate_number", as: String?.self),
            decisionNumber: try row.decode(column: "decision_number", as: String?.self),
            decidedOn: try row.decode(column: "decided_on", as: String?.self).flatMap(CalendarDate.init(iso:)),
            history: history, createdAt: try row.decode(column: "created_at", as: String.self),
            updatedAt: try row.decode(column: "updated_at", as: String.self))
    }

    static func scores(_ id: Int, _ sql: any SQLDatabase) async throws -> [MemberScore] {
        try await sql.raw("SELECT * FROM evaluation_scores WHERE dossier_id = \(bind: id) ORDER BY member").all().map { row in
            MemberScore(
                member: try row.decode(column: "member", as: String.self),
                tenthsA: try row.decode(column: "part_a", as: Int.self), tenthsB: try row.decode(column: "part_b", as: Int.self),
                tenthsC: try row.decode(column: "part_c", as: Int.self))
        }
    }

    private static func file(_ row: any SQLRow) throws -> DossierFileRecord {
        DossierFileRecord(
            id: try row.decode(column: "id", as: Int.self),
            item: DossierItem(rawValue: try row.decode(column: "item", as: String.self)) ?? .legalPapers,
            fileName: try row.decode(column: "file_name", as: String.self),
            contentType: try row.decode(column: "content_type", as: String.self),
            bytes: try row.decode(column: "bytes", as: Int.self), sha256: try row.decode(column: "sha256", as: String.self),
            uploadedBy: try row.decode(column: "uploaded_by", as: String.self),
            uploadedAt: try row.decode(column: "uploaded_at", as: String.self),
            storedPath: try row.decode(column: "stored_path", as: String.self))
    }
}
