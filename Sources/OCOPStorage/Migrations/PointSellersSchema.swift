/// Producers allowed to sell a point's stock on their own channels (marketplace accounts,
/// livestreams): the goods they consign there. Granted by the point's staff or the office.
enum PointSellersSchema {
    static let migration = Migration(
        id: "0012-point-sellers",
        statements: [
            """
            CREATE TABLE point_sellers (
                point_slug TEXT NOT NULL REFERENCES points (slug),
                producer_slug TEXT NOT NULL REFERENCES producers (slug),
                granted_at TEXT NOT NULL,
                granted_by TEXT NOT NULL,
                PRIMARY KEY (point_slug, producer_slug)
            )
            """
        ]
    )
}
