public import OCOPDomain

/// What staff must act on at a point: SKUs below their minimum, and batches whose best-before date
/// falls within `days` (or has passed). Shared by `GET /v1/points/{slug}/alerts` and the console.
public struct StockAlerts: Sendable, Hashable {
    public struct Low: Sendable, Hashable {
        public var sku: String
        public var quantity: Int
        public var minimum: Int
    }

    public struct Expiring: Sendable, Hashable {
        public var sku: String
        public var product: String
        public var batch: String
        public var bestBefore: CalendarDate
        public var quantity: Int
        public var daysLeft: Int
    }

    public var belowMinimum: [Low]
    public var expiring: [Expiring]

    public init(levels: [StockLevel], minimums: [String: Int], today: CalendarDate, withinDays days: Int) {
        let batches = levels.filter { $0.quantity > 0 }
        var totals: [String: Int] = [:]
        for batch in batches { totals[batch.sku, default: 0] += batch.quantity }
        belowMinimum = minimums.filter { (totals[$0.key] ?? 0) < $0.value }
            .map { Low(sku: $0.key, quantity: totals[$0.key] ?? 0, minimum: $0.value) }
            .sorted { $0.sku < $1.sku }
        expiring = batches.compactMap { batch -> Expiring? in
            guard let bestBefore = batch.bestBefore else { return nil }
            let left = bestBefore.daysSince1970 - today.daysSince1970
            guard left <= days else { return nil }
            return Expiring(
                sku: batch.sku, product: batch.product, batch: batch.batch, bestBefore: bestBefore,
                quantity: batch.quantity, daysLeft: left)
        }
        .sorted { ($0.bestBefore, $0.sku) < ($1.bestBefore, $1.sku) }
    }
}
