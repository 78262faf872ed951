/// Traceability stamps: runs of unguessable codes, and scan counts kept without personal data
/// (per code, day and province asked; no address, device or person).
enum StampsSchema {
    static let migration = Migration(
        id: "0006-stamps",
        statements: [
            """
            CREATE TABLE stamp_runs (
                id INTEGER PRIMARY KEY,
                product_slug TEXT NOT NULL REFERENCES products (slug),
                batch TEXT,
                count INTEGER NOT NULL,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL
            )
            """,
            """
            CREATE TABLE stamps (
                code TEXT PRIMARY KEY,
                run_id INTEGER NOT NULL REFERENCES stamp_runs (id),
                product_slug TEXT NOT NULL REFERENCES products (slug),
                batch TEXT
            )
            """,
            "CREATE INDEX stamps_run ON stamps (run_id)",
            """
            CREATE TABLE stamp_scans (
                code TEXT NOT NULL REFERENCES stamps (code),
                day TEXT NOT NULL,
                province TEXT NOT NULL,
                scans INTEGER NOT NULL,
                PRIMARY KEY (code, day, province)
            )
            """,
        ]
    )
}
