/// Marketplace accounts, their listings, and the sync outbox the worker drains.
///
/// The outbox is its own table rather than `jobs` because stock changes must coalesce: there is at
/// most one row per listing and kind, updated in place (`revision` + 1) by every later change, so
/// ten quick sales become one push of the latest figure.
enum MarketplaceSchema {
    static let migration = Migration(
        id: "0009-marketplaces",
        statements: [
            """
            CREATE TABLE marketplace_accounts (
                id INTEGER PRIMARY KEY,
                marketplace TEXT NOT NULL,
                name TEXT NOT NULL,
                base_url TEXT NOT NULL,
                credentials TEXT NOT NULL,
                point_slug TEXT NOT NULL,
                stock_ratio_bp INTEGER NOT NULL,
                stock_buffer INTEGER NOT NULL,
                category_map TEXT NOT NULL,
                attribute_defaults TEXT NOT NULL,
                owner TEXT NOT NULL,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX marketplace_accounts_name ON marketplace_accounts (marketplace, name)",
            """
            CREATE TABLE listings (
                id INTEGER PRIMARY KEY,
                account_id INTEGER NOT NULL REFERENCES marketplace_accounts (id),
                marketplace TEXT NOT NULL,
                point_slug TEXT NOT NULL,
                product_slug TEXT NOT NULL,
                sku TEXT NOT NULL,
                category_id TEXT NOT NULL,
                attributes TEXT NOT NULL,
                wanted TEXT NOT NULL,
                status TEXT NOT NULL,
                external_id TEXT,
                external_url TEXT,
                last_error TEXT,
                attempts INTEGER NOT NULL,
                pushed_price INTEGER,
                pushed_stock INTEGER,
                delist_reason TEXT,
                created_by TEXT NOT NULL,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                published_at TEXT,
                delisted_at TEXT
            )
            """,
            // One live listing per SKU and account; a delisted one may be listed again.
            "CREATE UNIQUE INDEX listings_live_sku ON listings (account_id, sku) WHERE wanted = 'listed'",
            // The stock hook finds the listings selling a SKU from a point with this index alone.
            "CREATE INDEX listings_point_sku ON listings (point_slug, sku)",
            "CREATE INDEX listings_product ON listings (product_slug)",
            """
            CREATE TABLE marketplace_outbox (
                id INTEGER PRIMARY KEY,
                listing_id INTEGER NOT NULL REFERENCES listings (id),
                marketplace TEXT NOT NULL,
                kind TEXT NOT NULL,
                revision INTEGER NOT NULL,
                status TEXT NOT NULL,
                attempts INTEGER NOT NULL,
                run_after TEXT NOT NULL,
                locked_by TEXT,
                locked_until TEXT,
                last_error TEXT,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX marketplace_outbox_change ON marketplace_outbox (listing_id, kind)",
            "CREATE INDEX marketplace_outbox_ready ON marketplace_outbox (marketplace, status, run_after)",
        ]
    )
}
