/// The programme's year: local plans and their targets, dossiers through evaluation rounds to a
/// certificate, and post-inspections of certified products.
///
/// Targets of counted kinds keep no numbers: progress is computed from certificates, points, fairs
/// and livestreams. Scores are kept in tenths of a point. At most one open dossier per product.
enum ProgrammeSchema {
    static let migration = Migration(
        id: "0015-programme",
        statements: [
            """
            CREATE TABLE plans (
                id INTEGER PRIMARY KEY,
                locality_code TEXT NOT NULL,
                year INTEGER NOT NULL,
                decision_number TEXT NOT NULL,
                title TEXT NOT NULL,
                created_by TEXT NOT NULL,
                created_at TEXT NOT NULL,
                UNIQUE (locality_code, year, decision_number)
            )
            """,
            """
            CREATE TABLE plan_targets (
                id INTEGER PRIMARY KEY,
                plan_id INTEGER NOT NULL REFERENCES plans (id),
                position INTEGER NOT NULL,
                kind TEXT NOT NULL,
                label TEXT NOT NULL,
                target INTEGER NOT NULL CHECK (target > 0)
            )
            """,
            "CREATE INDEX plan_targets_plan ON plan_targets (plan_id, position)",
            """
            CREATE TABLE plan_target_entries (
                id INTEGER PRIMARY KEY,
                target_id INTEGER NOT NULL REFERENCES plan_targets (id),
                on_day TEXT NOT NULL,
                amount INTEGER NOT NULL CHECK (amount > 0),
                note TEXT NOT NULL,
                actor TEXT NOT NULL,
                at TEXT NOT NULL
            )
            """,
            "CREATE INDEX plan_target_entries_target ON plan_target_entries (target_id, on_day)",
            """
            CREATE TABLE evaluation_rounds (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL,
                province_code TEXT NOT NULL,
                authority TEXT NOT NULL,
                meets_on TEXT NOT NULL,
                created_by TEXT NOT NULL,
                created_at TEXT NOT NULL
            )
            """,
            """
            CREATE TABLE dossiers (
                id INTEGER PRIMARY KEY,
                product_slug TEXT NOT NULL REFERENCES products (slug),
                producer_slug TEXT NOT NULL REFERENCES producers (slug),
                kind TEXT NOT NULL,
                state TEXT NOT NULL,
                round_id INTEGER REFERENCES evaluation_rounds (id),
                review_note TEXT,
                certificate_number TEXT,
                decision_number TEXT,
                decided_on TEXT,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )
            """,
            // One dossier at a time per product: a closed one may be followed by a new one.
            """
            CREATE UNIQUE INDEX dossiers_open_product ON dossiers (product_slug)
            WHERE state NOT IN ('certified', 'not_certified')
            """,
            "CREATE INDEX dossiers_producer ON dossiers (producer_slug, id)",
            "CREATE INDEX dossiers_round ON dossiers (round_id)",
            """
            CREATE TABLE dossier_items (
                dossier_id INTEGER NOT NULL REFERENCES dossiers (id),
                item TEXT NOT NULL,
                state TEXT NOT NULL,
                note TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                PRIMARY KEY (dossier_id, item)
            )
            """,
            """
            CREATE TABLE dossier_files (
                id INTEGER PRIMARY KEY,
                dossier_id INTEGER NOT NULL REFERENCES dossiers (id),
                item TEXT NOT NULL,
                file_name TEXT NOT NULL,
                stored_path TEXT NOT NULL,
                content_type TEXT NOT NULL,
                bytes INTEGER NOT NULL,
                sha256 TEXT NOT NULL,
                uploaded_by TEXT NOT NULL,
                uploaded_at TEXT NOT NULL
            )
            """,
            "CREATE INDEX dossier_files_dossier ON dossier_files (dossier_id, item)",
            """
            CREATE TABLE dossier_events (
                id INTEGER PRIMARY KEY,
                dossier_id INTEGER NOT NULL REFERENCES dossiers (id),
                at TEXT NOT NULL,
                actor TEXT NOT NULL,
                state TEXT NOT NULL,
                note TEXT
            )
            """,
            "CREATE INDEX dossier_events_dossier ON dossier_events (dossier_id, id)",
            """
            CREATE TABLE evaluation_scores (
                dossier_id INTEGER NOT NULL REFERENCES dossiers (id),
                member TEXT NOT NULL,
                part_a INTEGER NOT NULL CHECK (part_a BETWEEN 0 AND 400),
                part_b INTEGER NOT NULL CHECK (part_b BETWEEN 0 AND 250),
                part_c INTEGER NOT NULL CHECK (part_c BETWEEN 0 AND 350),
                scored_by TEXT NOT NULL,
                scored_at TEXT NOT NULL,
                PRIMARY KEY (dossier_id, member)
            )
            """,
            """
            CREATE TABLE inspections (
                id INTEGER PRIMARY KEY,
                product_slug TEXT NOT NULL REFERENCES products (slug),
                certificate_number TEXT NOT NULL,
                inspected_on TEXT NOT NULL,
                team TEXT NOT NULL,
                findings TEXT NOT NULL,
                outcome TEXT NOT NULL,
                actions TEXT,
                deadline TEXT,
                status TEXT NOT NULL,
                decision_number TEXT,
                created_by TEXT NOT NULL,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )
            """,
            "CREATE INDEX inspections_product ON inspections (product_slug, id)",
        ]
    )
}
