/// Livestream selling sessions, the comments read from them, their orders, and the stock holds
/// those orders keep at the session's point until confirmed, cancelled or expired.
///
/// Holds are per point and SKU (not per batch): a confirmed order is then sold first-expiring-first-
/// out like a counter sale. Every sale now names its channel, so reports can split points, fairs,
/// livestreams and marketplaces.
enum LivestreamSchema {
    static let migration = Migration(
        id: "0007-livestreams",
        statements: [
            "ALTER TABLE sales ADD COLUMN channel TEXT NOT NULL DEFAULT 'counter'",
            """
            CREATE TABLE stock_holds (
                id INTEGER PRIMARY KEY,
                point_slug TEXT NOT NULL REFERENCES points (slug),
                sku TEXT NOT NULL REFERENCES variants (sku),
                quantity INTEGER NOT NULL CHECK (quantity > 0),
                status TEXT NOT NULL,
                expires_at TEXT NOT NULL,
                reference TEXT NOT NULL,
                created_at TEXT NOT NULL
            )
            """,
            "CREATE INDEX stock_holds_active ON stock_holds (point_slug, sku, status)",
            "CREATE INDEX stock_holds_reference ON stock_holds (reference)",
            """
            CREATE TABLE livestreams (
                slug TEXT PRIMARY KEY,
                title TEXT NOT NULL,
                platform TEXT NOT NULL,
                page_url TEXT NOT NULL,
                host TEXT NOT NULL,
                point_slug TEXT NOT NULL REFERENCES points (slug),
                starts_at TEXT NOT NULL,
                ends_at TEXT NOT NULL,
                status TEXT NOT NULL,
                hold_minutes INTEGER NOT NULL,
                order_sequence INTEGER NOT NULL DEFAULT 0,
                created_by TEXT NOT NULL,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )
            """,
            "CREATE INDEX livestreams_starts ON livestreams (status, starts_at)",
            """
            CREATE TABLE livestream_producers (
                livestream_slug TEXT NOT NULL REFERENCES livestreams (slug),
                producer_slug TEXT NOT NULL REFERENCES producers (slug),
                PRIMARY KEY (livestream_slug, producer_slug)
            )
            """,
            """
            CREATE TABLE livestream_products (
                livestream_slug TEXT NOT NULL REFERENCES livestreams (slug),
                code TEXT NOT NULL,
                sku TEXT NOT NULL REFERENCES variants (sku),
                product_slug TEXT NOT NULL REFERENCES products (slug),
                live_price INTEGER NOT NULL CHECK (live_price > 0),
                quota INTEGER CHECK (quota IS NULL OR quota > 0),
                position INTEGER NOT NULL,
                PRIMARY KEY (livestream_slug, code),
                UNIQUE (livestream_slug, sku)
            )
            """,
            "CREATE INDEX livestream_products_product ON livestream_products (product_slug)",
            """
            CREATE TABLE livestream_orders (
                id INTEGER PRIMARY KEY,
                livestream_slug TEXT NOT NULL REFERENCES livestreams (slug),
                number INTEGER NOT NULL,
                source TEXT NOT NULL,
                viewer_id TEXT,
                buyer_name TEXT NOT NULL,
                phone TEXT NOT NULL,
                address TEXT,
                status TEXT NOT NULL,
                total INTEGER NOT NULL,
                created_at TEXT NOT NULL,
                expires_at TEXT NOT NULL,
                closed_at TEXT,
                closed_by TEXT,
                sale_id INTEGER REFERENCES sales (id),
                created_by TEXT NOT NULL,
                UNIQUE (livestream_slug, number)
            )
            """,
            "CREATE INDEX livestream_orders_viewer ON livestream_orders (livestream_slug, viewer_id, phone)",
            """
            CREATE TABLE livestream_order_lines (
                order_id INTEGER NOT NULL REFERENCES livestream_orders (id),
                code TEXT NOT NULL,
                sku TEXT NOT NULL REFERENCES variants (sku),
                quantity INTEGER NOT NULL CHECK (quantity > 0),
                unit_price INTEGER NOT NULL,
                PRIMARY KEY (order_id, code)
            )
            """,
            """
            CREATE TABLE livestream_comments (
                id INTEGER PRIMARY KEY,
                livestream_slug TEXT NOT NULL REFERENCES livestreams (slug),
                comment_key TEXT NOT NULL,
                viewer_id TEXT NOT NULL,
                viewer_name TEXT NOT NULL,
                body TEXT NOT NULL,
                posted_at TEXT NOT NULL,
                received_at TEXT NOT NULL,
                outcome TEXT NOT NULL,
                order_id INTEGER REFERENCES livestream_orders (id),
                UNIQUE (livestream_slug, comment_key)
            )
            """,
        ]
    )
}
