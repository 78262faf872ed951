import SQLKit

/// Display/sale points, their stock per SKU and batch, the ledger, sales, transfers, idempotency.
///
/// `stock_levels` is derived from `stock_ledger` in the same transaction as every movement; the
/// CHECK keeps it from going negative even if a code path forgot to test first.
enum StockSchema {
    static let migration = Migration(
        id: "0003-stock",
        statements: [
            """
            CREATE TABLE points (
                slug TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                location_type TEXT NOT NULL,
                address TEXT NOT NULL,
                province_code TEXT NOT NULL,
                commune_code TEXT,
                latitude REAL,
                longitude REAL,
                opening_hours TEXT NOT NULL,
                phone TEXT,
                email TEXT,
                criteria TEXT NOT NULL,
                document TEXT NOT NULL,
                receipt_sequence INTEGER NOT NULL DEFAULT 0,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )
            """,
            """
            CREATE TABLE point_minimums (
                point_slug TEXT NOT NULL REFERENCES points (slug),
                sku TEXT NOT NULL REFERENCES variants (sku),
                minimum INTEGER NOT NULL CHECK (minimum >= 0),
                PRIMARY KEY (point_slug, sku)
            )
            """,
            """
            CREATE TABLE stock_levels (
                point_slug TEXT NOT NULL REFERENCES points (slug),
                sku TEXT NOT NULL REFERENCES variants (sku),
                batch TEXT NOT NULL,
                best_before TEXT,
                quantity INTEGER NOT NULL CHECK (quantity >= 0),
                PRIMARY KEY (point_slug, sku, batch)
            )
            """,
            """
            CREATE TABLE stock_ledger (
                id INTEGER PRIMARY KEY,
                at TEXT NOT NULL,
                point_slug TEXT NOT NULL REFERENCES points (slug),
                sku TEXT NOT NULL REFERENCES variants (sku),
                batch TEXT NOT NULL,
                delta INTEGER NOT NULL,
                kind TEXT NOT NULL,
                reason TEXT,
                reference TEXT NOT NULL,
                actor TEXT NOT NULL,
                unit_cost INTEGER,
                unit_price INTEGER
            )
            """,
            "CREATE INDEX stock_ledger_point ON stock_ledger (point_slug, id)",
            """
            CREATE TABLE sales (
                id INTEGER PRIMARY KEY,
                point_slug TEXT NOT NULL REFERENCES points (slug),
                receipt_number TEXT NOT NULL,
                payment_method TEXT NOT NULL,
                total INTEGER NOT NULL,
                at TEXT NOT NULL,
                actor TEXT NOT NULL,
                UNIQUE (point_slug, receipt_number)
            )
            """,
            "CREATE INDEX sales_point_at ON sales (point_slug, at)",
            """
            CREATE TABLE sale_lines (
                sale_id INTEGER NOT NULL REFERENCES sales (id),
                position INTEGER NOT NULL,
                sku TEXT NOT NULL REFERENCES variants (sku),
                quantity INTEGER NOT NULL CHECK (quantity > 0),
                unit_price INTEGER NOT NULL,
                discount INTEGER NOT NULL,
                amount INTEGER NOT NULL,
                PRIMARY KEY (sale_id, position)
            )
            """,
            """
            CREATE TABLE transfers (
                id INTEGER PRIMARY KEY,
                from_point TEXT NOT NULL REFERENCES points (slug),
                to_point TEXT NOT NULL REFERENCES points (slug),
                status TEXT NOT NULL,
                note TEXT,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL,
                received_at TEXT,
                received_by TEXT
            )
            """,
            """
            CREATE TABLE transfer_lines (
                transfer_id INTEGER NOT NULL REFERENCES transfers (id),
                sku TEXT NOT NULL REFERENCES variants (sku),
                batch TEXT NOT NULL,
                best_before TEXT,
                quantity_sent INTEGER NOT NULL CHECK (quantity_sent > 0),
                quantity_received INTEGER,
                PRIMARY KEY (transfer_id, sku, batch)
            )
            """,
            """
            CREATE TABLE idempotency_keys (
                scope TEXT NOT NULL,
                key TEXT NOT NULL,
                request_hash TEXT NOT NULL,
                status INTEGER NOT NULL,
                body TEXT NOT NULL,
                created_at TEXT NOT NULL,
                PRIMARY KEY (scope, key)
            )
            """,
        ]
    )
}
