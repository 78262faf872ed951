/// One append-only step of the schema. Never edit a shipped migration: add a new one.
///
/// Statements are written once, in the SQL both engines share; `SchemaDialect` adapts the few
/// column types that differ when the migration runs on PostgreSQL.
struct Migration: Sendable {
    /// Sortable and unique, e.g. "0001-catalog".
    let id: String
    let statements: [String]
}

/// Every migration, in the order they apply.
enum Migrations {
    static let all: [Migration] = [
        CatalogSchema.migration, AccountsSchema.migration, StockSchema.migration, JobsSchema.migration,
        CertificateLifecycleSchema.migration, StampsSchema.migration, LivestreamSchema.migration,
        FairsSchema.migration, MarketplaceSchema.migration, CertificateNoticesSchema.migration,
        CatalogImportStateSchema.migration, PointSellersSchema.migration,
        ListingFailedPushSchema.migration,
        MarketplaceOrdersSchema.migration, ProgrammeSchema.migration, MarketplaceOrderQueueSchema.migration,
        MarketplaceOrderLineCancelSchema.migration,
    ]
}
