/// Units of an order line cancelled on their own while the rest of the order goes on (Lazada and
/// TikTok Shop cancel per unit): `cancelled` counts those the point's stock already reflects, so
/// each cancelled unit comes back to the shelf once; `restocked`, those of them given back after
/// the sale (the sale's receipt still counts them; the programme's report takes them off).
enum MarketplaceOrderLineCancelSchema {
    static let migration = Migration(
        id: "0017-marketplace-order-line-cancel",
        statements: [
            "ALTER TABLE marketplace_order_lines ADD COLUMN cancelled INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE marketplace_order_lines ADD COLUMN restocked INTEGER NOT NULL DEFAULT 0",
        ]
    )
}
