import SQLKit

// MARK: - What the last import read

extension CatalogStore {
    /// The fingerprint of the files the last successful import read, or nil.
    func importFingerprint() async throws -> String? {
        try await database.read { sql in
            try await sql.raw("SELECT fingerprint FROM catalog_import_state WHERE id = 1").first()?
                .decode(column: "fingerprint", as: String.self)
        }
    }

    /// Remembers the fingerprint of the files an import has just made the catalog equal to.
    func recordImportFingerprint(_ fingerprint: String) async throws {
        try await database.transaction { sql in
            try await sql.raw(
                """
                INSERT INTO catalog_import_state (id, fingerprint) VALUES (1, \(bind: fingerprint))
                ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint
                """
            ).run()
        }
    }

    /// Producers and products not withdrawn.
    func liveCounts() async throws -> (producers: Int, products: Int) {
        try await database.read { sql in
            let row = try await sql.raw(
                """
                SELECT (SELECT CAST(COUNT(*) AS BIGINT) FROM producers WHERE withdrawn_at IS NULL) AS producers,
                    (SELECT CAST(COUNT(*) AS BIGINT) FROM products WHERE withdrawn_at IS NULL) AS products
                """
            ).first()
            return (
                try row?.decode(column: "producers", as: Int.self) ?? 0, try row?.decode(column: "products", as: Int.self) ?? 0
            )
        }
    }
}
