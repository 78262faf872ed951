/// Orders placed on marketplaces, read back from the platforms: one row per order and account,
/// its lines as the platform reported them (matched to a catalog SKU through the listing), and
/// each change of state with the stock it moved.
///
/// `stock_state` is what the point's stock has done for the order (`none`, `held`, `short`,
/// `sold`, `released`, `restocked`, `return_expected`, `written_off`); `platform_updated_at`
/// (Unix seconds) keeps an older fetch from undoing a newer one. `marketplace_order_pulls` keeps
/// each account's pull watermark and schedule.
enum MarketplaceOrdersSchema {
    static let migration = Migration(
        id: "0014-marketplace-orders",
        statements: [
            """
            CREATE TABLE marketplace_orders (
                id INTEGER PRIMARY KEY,
                account_id INTEGER NOT NULL REFERENCES marketplace_accounts (id),
                marketplace TEXT NOT NULL,
                external_id TEXT NOT NULL,
                point_slug TEXT NOT NULL REFERENCES points (slug),
                status TEXT NOT NULL,
                stock_state TEXT NOT NULL,
                platform_updated_at INTEGER NOT NULL,
                total INTEGER NOT NULL,
                sale_id INTEGER,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                UNIQUE (account_id, external_id)
            )
            """,
            "CREATE INDEX marketplace_orders_point ON marketplace_orders (point_slug, id)",
            // An order's ledger rows are found by their reference.
            "CREATE INDEX stock_ledger_reference ON stock_ledger (reference)",
            """
            CREATE TABLE marketplace_order_lines (
                order_id INTEGER NOT NULL REFERENCES marketplace_orders (id),
                position INTEGER NOT NULL,
                line_key TEXT NOT NULL,
                item_id TEXT NOT NULL,
                seller_sku TEXT,
                sku TEXT,
                quantity INTEGER NOT NULL CHECK (quantity > 0),
                unit_price INTEGER NOT NULL,
                PRIMARY KEY (order_id, position)
            )
            """,
            """
            CREATE TABLE marketplace_order_events (
                id INTEGER PRIMARY KEY,
                order_id INTEGER NOT NULL REFERENCES marketplace_orders (id),
                at TEXT NOT NULL,
                status TEXT NOT NULL,
                stock_state TEXT NOT NULL,
                platform_updated_at INTEGER NOT NULL,
                note TEXT
            )
            """,
            "CREATE INDEX marketplace_order_events_order ON marketplace_order_events (order_id, id)",
            // Per account: orders changed up to `watermark` (Unix seconds) are pulled; the next
            // scheduled pull is due at `due_at`.
            """
            CREATE TABLE marketplace_order_pulls (
                account_id INTEGER PRIMARY KEY REFERENCES marketplace_accounts (id),
                watermark INTEGER NOT NULL,
                interval_seconds INTEGER NOT NULL,
                due_at TEXT NOT NULL,
                pulled_at TEXT,
                orders_seen INTEGER NOT NULL,
                last_error TEXT
            )
            """,
        ]
    )
}
