import Foundation

// What staff send to move stock: the lines of a delivery, a sale, a count or a transfer, and a
// SKU's alert level. The stores check them against the ledger; the rules that need no ledger are here.

/// Goods in from a producer: one SKU, batch and quantity.
public struct ReceiptLine: Sendable, Hashable {
    public var sku: String
    public var batch: String
    public var bestBefore: CalendarDate?
    public var quantity: Int
    /// Whole VND per unit, when the producer invoiced one.
    public var unitCost: Int?

    public init(sku: String, batch: String, bestBefore: CalendarDate?, quantity: Int, unitCost: Int?) {
        self.sku = sku
        self.batch = batch
        self.bestBefore = bestBefore
        self.quantity = quantity
        self.unitCost = unitCost
    }
}

/// One line of a counter sale; batches are chosen first-expiring-first-out.
public struct SaleLine: Sendable, Hashable {
    public var sku: String
    public var quantity: Int
    /// Whole VND off the line's total, 0 for none.
    public var discount: Int
    /// The unit price agreed elsewhere (a livestream's live price); nil for the catalog price.
    public var unitPrice: Int?

    public init(sku: String, quantity: Int, discount: Int, unitPrice: Int? = nil) {
        self.sku = sku
        self.quantity = quantity
        self.discount = discount
        self.unitPrice = unitPrice
    }
}

/// A quantity of one SKU and batch: adjustments and transfers.
public struct BatchLine: Sendable, Hashable {
    public var sku: String
    /// nil lets a transfer choose batches first-expiring-first-out.
    public var batch: String?
    public var quantity: Int

    public init(sku: String, batch: String?, quantity: Int) {
        self.sku = sku
        self.batch = batch
        self.quantity = quantity
    }
}

/// The level below which a SKU at a point raises an alert.
public struct StockMinimum: Sendable, Hashable, Codable {
    public var sku: String
    public var minimum: Int

    public init(sku: String, minimum: Int) {
        self.sku = sku
        self.minimum = minimum
    }
}

extension SaleLine {
    /// What the line costs the buyer, in whole VND: `unitPrice` × quantity less the discount. Nil
    /// when the discount is more than the price (or the figures would not fit in an Int).
    public func amount(unitPrice: Int) -> Int? {
        let (gross, overflow) = unitPrice.multipliedReportingOverflow(by: quantity)
        guard !overflow, unitPrice >= 0, quantity >= 0, discount >= 0, discount <= gross else { return nil }
        return gross - discount
    }
}

/// The number printed on a receipt: the sale's day in Vietnam and the point's running count,
/// "20261202-000042". Unique per point (the count never goes back), sortable by day.
public enum ReceiptNumber {
    public static func make(on day: CalendarDate, sequence: Int) -> String {
        let count = String(sequence)
        return day.description.replacing("-", with: "") + "-" + String(repeating: "0", count: max(0, 6 - count.count)) + count
    }
}
