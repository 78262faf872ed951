import OCOPDomain
import OCOPStorage

// The JSON bodies of the stock endpoints, and their checks. Each check names the field it refuses.

/// Collects field problems and throws them together as one 422.
struct FieldChecks {
    private(set) var issues: [DomainError.FieldIssue] = []

    mutating func require(_ condition: Bool, _ field: String, _ reason: String) {
        if !condition { issues.append(.init(field: field, reason: reason)) }
    }

    mutating func quantity(_ value: Int, _ field: String, allowZero: Bool = false) {
        require(
            (allowZero ? 0 : 1)...StockRules.maxLineQuantity ~= value, field,
            "a whole number from \(allowZero ? 0 : 1) to \(StockRules.maxLineQuantity)")
    }

    mutating func lines(_ count: Int) {
        require((1...StockRules.maxLines).contains(count), "lines", "1 to \(StockRules.maxLines) lines")
    }

    mutating func batch(_ value: String?, _ field: String) {
        if let value { require(StockRules.isValidBatch(value), field, "1–40 printable characters") }
    }

    func throwIfAny() throws(DomainError) {
        if !issues.isEmpty {
            throw DomainError(.invalid, issues.map { "\($0.field): \($0.reason)" }.joined(separator: "; "), issues: issues)
        }
    }
}

struct ReceiptRequest: Decodable {
    struct Line: Decodable {
        var sku: String
        var batch: String?
        var bestBefore: String?
        var quantity: Int
        var unitCost: Int?
    }

    var lines: [Line]
    /// The producer's delivery note or invoice number.
    var reference: String?

    func validated() throws(DomainError) -> [ReceiptLine] {
        var checks = FieldChecks()
        checks.lines(lines.count)
        var result: [ReceiptLine] = []
        for (index, line) in lines.enumerated() {
            checks.quantity(line.quantity, "lines[\(index)].quantity")
            checks.batch(line.batch, "lines[\(index)].batch")
            let date = line.bestBefore.flatMap(CalendarDate.init(iso:))
            checks.require(line.bestBefore == nil || date != nil, "lines[\(index)].best_before", "a date YYYY-MM-DD")
            checks.require((line.unitCost ?? 0) >= 0, "lines[\(index)].unit_cost", "whole VND, not negative")
            result.append(
                ReceiptLine(
                    sku: line.sku, batch: line.batch ?? "", bestBefore: date, quantity: line.quantity,
                    unitCost: line.unitCost))
        }
        checks.require((reference ?? "x").utf8.count <= 100, "reference", "at most 100 bytes")
        try checks.throwIfAny()
        return result
    }
}

struct SaleRequest: Decodable {
    struct Line: Decodable {
        var sku: String
        var quantity: Int
        var discount: Int?
    }

    var lines: [Line]
    var paymentMethod: String
    /// Where the sale was taken; a point's counter when absent.
    var channel: String?

    /// The channel named, at a point (fair stalls sell at their counter only).
    func recordedChannel(atStall: Bool = false) throws(DomainError) -> RecordedSaleChannel {
        guard let channel else { return .counter }
        let allowed = atStall ? [RecordedSaleChannel.counter] : RecordedSaleChannel.allCases
        guard let parsed = RecordedSaleChannel(rawValue: channel), allowed.contains(parsed) else {
            throw DomainError.invalid(field: "channel", "one of \(allowed.map(\.rawValue).joined(separator: ", "))")
        }
        return parsed
    }

    func validated() throws(DomainError) -> ([SaleLine], PaymentMethod) {
        var checks = FieldChecks()
        checks.lines(lines.count)
        let payment = PaymentMethod.recorded(paymentMethod)
        checks.require(
            payment != nil, "payment_method", "one of \(PaymentMethod.recordable.map(\.rawValue).joined(separator: ", "))")
        for (index, line) in lines.enumerated() {
            checks.quantity(line.quantity, "lines[\(index)].quantity")
            checks.require((line.discount ?? 0) >= 0, "lines[\(index)].discount", "whole VND, not negative")
        }
        try checks.throwIfAny()
        return (lines.map { SaleLine(sku: $0.sku, quantity: $0.quantity, discount: $0.discount ?? 0) }, payment!)
    }
}

struct AdjustmentRequest: Decodable {
    struct Line: Decodable {
        var sku: String
        var batch: String?
        var quantity: Int
    }

    var reason: String
    var note: String?
    var lines: [Line]

    func validated() throws(DomainError) -> (AdjustmentReason, [BatchLine]) {
        var checks = FieldChecks()
        checks.lines(lines.count)
        let reason = AdjustmentReason(rawValue: self.reason)
        checks.require(
            reason != nil, "reason", "one of \(AdjustmentReason.allCases.map(\.rawValue).joined(separator: ", "))")
        checks.require((note ?? "").utf8.count <= 500, "note", "at most 500 bytes")
        for (index, line) in lines.enumerated() {
            checks.quantity(line.quantity, "lines[\(index)].quantity")
            checks.batch(line.batch, "lines[\(index)].batch")
        }
        try checks.throwIfAny()
        return (reason!, lines.map { BatchLine(sku: $0.sku, batch: $0.batch, quantity: $0.quantity) })
    }
}

struct CountRequest: Decodable {
    struct Line: Decodable {
        var sku: String
        var batch: String?
        var counted: Int
    }

    var lines: [Line]

    func validated() throws(DomainError) -> [BatchLine] {
        var checks = FieldChecks()
        checks.lines(lines.count)
        for (index, line) in lines.enumerated() {
            checks.quantity(line.counted, "lines[\(index)].counted", allowZero: true)
            checks.batch(line.batch, "lines[\(index)].batch")
        }
        try checks.throwIfAny()
        return lines.map { BatchLine(sku: $0.sku, batch: $0.batch, quantity: $0.counted) }
    }
}

struct TransferRequest: Decodable {
    struct Line: Decodable {
        var sku: String
        var batch: String?
        var quantity: Int
    }

    var from: String
    var to: String
    var note: String?
    var lines: [Line]

    func validated() throws(DomainError) -> [BatchLine] {
        var checks = FieldChecks()
        checks.lines(lines.count)
        checks.require(VietnameseText.isSlug(from), "from", "a point slug")
        checks.require(VietnameseText.isSlug(to), "to", "a point slug")
        for (index, line) in lines.enumerated() {
            checks.quantity(line.quantity, "lines[\(index)].quantity")
            checks.batch(line.batch, "lines[\(index)].batch")
        }
        try checks.throwIfAny()
        return lines.map { BatchLine(sku: $0.sku, batch: $0.batch, quantity: $0.quantity) }
    }
}

struct TransferReceiptRequest: Decodable {
    struct Line: Decodable {
        var sku: String
        var batch: String?
        var quantityReceived: Int
    }

    /// Omitted: everything arrived as sent.
    var lines: [Line]?

    func validated() throws(DomainError) -> [BatchLine]? {
        guard let lines else { return nil }
        var checks = FieldChecks()
        for (index, line) in lines.enumerated() {
            checks.quantity(line.quantityReceived, "lines[\(index)].quantity_received", allowZero: true)
        }
        try checks.throwIfAny()
        return lines.map { BatchLine(sku: $0.sku, batch: $0.batch, quantity: $0.quantityReceived) }
    }
}

/// A movement request whose lines name SKUs: the availability refresh after it reads only those.
protocol StockLinesRequest: Decodable {
    var skus: [String] { get }
}

extension ReceiptRequest: StockLinesRequest {
    var skus: [String] { lines.map(\.sku) }
}

extension SaleRequest: StockLinesRequest {
    var skus: [String] { lines.map(\.sku) }
}

extension AdjustmentRequest: StockLinesRequest {
    var skus: [String] { lines.map(\.sku) }
}

extension CountRequest: StockLinesRequest {
    var skus: [String] { lines.map(\.sku) }
}
