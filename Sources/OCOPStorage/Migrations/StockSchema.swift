import SQLKit

/// Display/sale points, their stock per SKU and batch, the ledger, sales, transfers, idempotency.
enum StockSchema {
    static let migration = Migration(id: "0003-stock", statements: [])
}
