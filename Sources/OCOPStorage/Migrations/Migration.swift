import SQLKit

/// One append-only step of the schema. Never edit a shipped migration: add a new one.
struct Migration: Sendable {
    /// Sortable and unique, e.g. "0001-catalog".
    let id: String
    let statements: [SQLQueryString]
}

/// Every migration, in the order they apply.
enum Migrations {
    static let all: [Migration] = [CatalogSchema.migration, AccountsSchema.migration, StockSchema.migration]
}
