/// Why stock moved; every ledger row carries one.
public enum StockMovementKind: String, Sendable, CaseIterable, Codable {
    case receipt
    case sale
    case adjustment
    case count
    case transferOut = "transfer_out"
    case transferIn = "transfer_in"
    /// Goods of a marketplace order coming back to the shelf: cancelled before the parcel left, or
    /// a return staff confirmed.
    case returnIn = "return_in"
}

/// How a sale was paid.
public enum PaymentMethod: String, Sendable, CaseIterable, Codable {
    case cash
    case card
    case bankTransfer = "bank_transfer"
    case eWallet = "e_wallet"
    /// Paid to the courier on delivery: the usual way for livestream orders.
    case cashOnDelivery = "cash_on_delivery"
    /// Collected by the marketplace, which pays the seller out: marketplace orders only.
    case marketplace

    /// The ways staff may record a sale as paid: the marketplace's own is set only by its orders.
    public static let recordable: [PaymentMethod] = allCases.filter { $0 != .marketplace }

    /// The recordable method named `raw`, or nil.
    public static func recorded(_ raw: String) -> PaymentMethod? {
        PaymentMethod(rawValue: raw).flatMap { recordable.contains($0) ? $0 : nil }
    }
}

/// Where staff took a sale they record at a point: at the counter, or by message on Facebook /
/// Messenger or Zalo. Meta gives Vietnamese sellers no order API (MARKETPLACE-ORDERS.md §5), so
/// those orders are entered by hand and move stock like any sale.
public enum RecordedSaleChannel: String, Sendable, CaseIterable, Codable {
    case counter
    case facebook
    case zalo
}

/// The grounds for a manual adjustment; each fixes the direction of the change.
public enum AdjustmentReason: String, Sendable, CaseIterable, Codable {
    case damaged, expired, lost, found

    /// +1 when the adjustment adds stock, -1 when it removes it.
    public var sign: Int { self == .found ? 1 : -1 }
}

/// Rules for quantities and batch codes on stock lines.
public enum StockRules {
    /// The largest quantity one line may move; guards against typos like 1000000.
    public static let maxLineQuantity = 100_000
    /// The most lines one document may hold.
    public static let maxLines = 200

    /// A batch (lot) code: 1–40 printable characters without spaces at the ends; empty means unbatched.
    public static func isValidBatch(_ batch: String) -> Bool {
        batch.isEmpty
            || (batch.utf8.count <= 40 && batch.first?.isWhitespace == false && batch.last?.isWhitespace == false
                && batch.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F })
    }
}

/// One batch of one SKU at a location, as allocated to a movement.
public struct BatchQuantity: Hashable, Sendable, Codable {
    public var batch: String
    public var bestBefore: CalendarDate?
    public var quantity: Int

    public init(batch: String, bestBefore: CalendarDate?, quantity: Int) {
        self.batch = batch
        self.bestBefore = bestBefore
        self.quantity = quantity
    }
}

/// First-expiring-first-out: which batches a quantity is taken from.
public enum FEFOAllocation {
    /// Takes `quantity` from `available` batches, soonest best-before first (undated batches last,
    /// then by batch code). Returns nil when the batches do not hold enough.
    public static func allocate(_ quantity: Int, from available: [BatchQuantity]) -> [BatchQuantity]? {
        let ordered = available.filter { $0.quantity > 0 }.sorted { a, b in
            switch (a.bestBefore, b.bestBefore) {
            case let (x?, y?) where x != y: return x < y
            case (_?, nil): return true
            case (nil, _?): return false
            default: return a.batch < b.batch
            }
        }
        var remaining = quantity
        var taken: [BatchQuantity] = []
        for batch in ordered where remaining > 0 {
            let take = min(batch.quantity, remaining)
            taken.append(BatchQuantity(batch: batch.batch, bestBefore: batch.bestBefore, quantity: take))
            remaining -= take
        }
        return remaining == 0 ? taken : nil
    }
}
