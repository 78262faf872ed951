/// Fairs, their stalls, producers' applications and stall allocations.
///
/// Each stall is also a row of `points` (location type `fair_stall`), so its stock lives on the
/// same ledger as every point's. `fair_allocations` keeps the history of who held each stall; the
/// partial unique index is what makes double booking impossible, whatever races.
enum FairsSchema {
    static let migration = Migration(
        id: "0008-fairs",
        statements: [
            """
            CREATE TABLE fairs (
                slug TEXT PRIMARY KEY,
                kind TEXT NOT NULL,
                name TEXT NOT NULL,
                venue TEXT NOT NULL,
                province_code TEXT NOT NULL,
                opens_on TEXT NOT NULL,
                closes_on TEXT NOT NULL,
                daily_hours TEXT NOT NULL,
                organiser TEXT NOT NULL,
                closed_at TEXT,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                CHECK (opens_on <= closes_on)
            )
            """,
            """
            CREATE TABLE fair_stalls (
                fair_slug TEXT NOT NULL REFERENCES fairs (slug),
                code TEXT NOT NULL,
                zone TEXT NOT NULL,
                size TEXT NOT NULL,
                fee_vnd INTEGER NOT NULL CHECK (fee_vnd >= 0),
                point_slug TEXT NOT NULL UNIQUE REFERENCES points (slug),
                producer_slug TEXT REFERENCES producers (slug),
                application_id INTEGER,
                closed_at TEXT,
                PRIMARY KEY (fair_slug, code)
            )
            """,
            """
            CREATE TABLE fair_applications (
                id INTEGER PRIMARY KEY,
                fair_slug TEXT NOT NULL REFERENCES fairs (slug),
                producer_slug TEXT NOT NULL REFERENCES producers (slug),
                stalls_wanted INTEGER NOT NULL CHECK (stalls_wanted > 0),
                note TEXT,
                status TEXT NOT NULL,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )
            """,
            "CREATE INDEX fair_applications_fair ON fair_applications (fair_slug, id)",
            """
            CREATE TABLE fair_application_products (
                application_id INTEGER NOT NULL REFERENCES fair_applications (id),
                product_slug TEXT NOT NULL REFERENCES products (slug),
                PRIMARY KEY (application_id, product_slug)
            )
            """,
            """
            CREATE TABLE fair_allocations (
                id INTEGER PRIMARY KEY,
                fair_slug TEXT NOT NULL,
                stall_code TEXT NOT NULL,
                application_id INTEGER NOT NULL REFERENCES fair_applications (id),
                producer_slug TEXT NOT NULL REFERENCES producers (slug),
                allocated_at TEXT NOT NULL,
                allocated_by TEXT NOT NULL,
                released_at TEXT,
                FOREIGN KEY (fair_slug, stall_code) REFERENCES fair_stalls (fair_slug, code)
            )
            """,
            // At most one current allocation per stall.
            """
            CREATE UNIQUE INDEX fair_allocations_current ON fair_allocations (fair_slug, stall_code)
            WHERE released_at IS NULL
            """,
            // Counts committed fair changes; every node reloads its fair view when it moves.
            "CREATE TABLE fairs_revision (id INTEGER PRIMARY KEY CHECK (id = 1), revision INTEGER NOT NULL)",
            "INSERT INTO fairs_revision (id, revision) VALUES (1, 0)",
        ]
    )
}
