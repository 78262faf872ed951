import SQLKit

/// The catalog: producers, products, their variants, media and certificates, and the audit log.
/// Types are kept to TEXT/INTEGER/REAL so that the same DDL runs on SQLite and PostgreSQL.
/// `document` holds the canonical JSON last saved: imports compare it to tell "unchanged", and it is
/// the "before" of the next audit row. The columns stay the truth that queries read.
enum CatalogSchema {
    static let migration = Migration(
        id: "0001-catalog",
        statements: [
            """
            CREATE TABLE producers (
                slug TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                type TEXT NOT NULL,
                registration_number TEXT NOT NULL,
                representative TEXT NOT NULL,
                phone TEXT NOT NULL,
                address TEXT NOT NULL,
                province_code TEXT NOT NULL,
                commune_code TEXT,
                story_vi TEXT,
                story_en TEXT,
                document TEXT NOT NULL,
                withdrawn_at TEXT
            )
            """,
            """
            CREATE TABLE products (
                slug TEXT PRIMARY KEY,
                producer_slug TEXT NOT NULL REFERENCES producers (slug),
                name_vi TEXT NOT NULL,
                name_en TEXT,
                group_code TEXT NOT NULL,
                province_code TEXT NOT NULL,
                commune_code TEXT,
                listed_on TEXT NOT NULL,
                standards TEXT NOT NULL,
                description_vi TEXT NOT NULL,
                description_en TEXT,
                story_vi TEXT NOT NULL,
                story_en TEXT,
                document TEXT NOT NULL,
                withdrawn_at TEXT
            )
            """,
            "CREATE INDEX products_producer ON products (producer_slug)",
            """
            CREATE TABLE variants (
                sku TEXT PRIMARY KEY,
                product_slug TEXT NOT NULL REFERENCES products (slug),
                position INTEGER NOT NULL,
                label TEXT NOT NULL,
                price INTEGER NOT NULL CHECK (price > 0),
                weight_grams INTEGER,
                gtin TEXT,
                withdrawn_at TEXT
            )
            """,
            "CREATE INDEX variants_product ON variants (product_slug)",
            """
            CREATE TABLE product_media (
                product_slug TEXT NOT NULL REFERENCES products (slug),
                position INTEGER NOT NULL,
                path TEXT NOT NULL,
                alt_vi TEXT NOT NULL,
                alt_en TEXT,
                width INTEGER NOT NULL,
                height INTEGER NOT NULL,
                PRIMARY KEY (product_slug, position)
            )
            """,
            """
            CREATE TABLE certificates (
                product_slug TEXT NOT NULL REFERENCES products (slug),
                number TEXT NOT NULL,
                decision_number TEXT NOT NULL,
                authority TEXT NOT NULL,
                stars INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
                score REAL NOT NULL,
                issued_on TEXT NOT NULL,
                expires_on TEXT NOT NULL,
                potential_five_star INTEGER NOT NULL,
                revoked_on TEXT,
                revocation_reason TEXT,
                legal_basis TEXT NOT NULL,
                PRIMARY KEY (product_slug, number)
            )
            """,
            """
            CREATE TABLE audit_log (
                id INTEGER PRIMARY KEY,
                at TEXT NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                entity TEXT NOT NULL,
                entity_id TEXT NOT NULL,
                before_json TEXT,
                after_json TEXT
            )
            """,
            "CREATE INDEX audit_log_entity ON audit_log (entity, entity_id)",
            // One row counting committed catalog changes; every node reloads its snapshot when it moves.
            "CREATE TABLE catalog_revision (id INTEGER PRIMARY KEY CHECK (id = 1), revision INTEGER NOT NULL)",
            "INSERT INTO catalog_revision (id, revision) VALUES (1, 0)",
        ]
    )
}
