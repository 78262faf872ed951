import OCOPDomain
import OCOPStorage

/// A console stock form: one row per SKU and batch, each with the quantity typed for it. The count
/// sheet, the write-off and the transfer out are all this sheet over the point's batches on hand;
/// a delivery is the same rows typed from blank. Rows live in the form itself (`sku`, `batch`,
/// `best_before`, `quantity` repeated in order), so an error re-renders what was typed.
struct StockSheet {
    struct Row {
        var sku: String
        var batch: String
        var bestBefore: String
        /// On the shelf now (0 for a delivery row).
        var expected: Int
        /// What was typed, unparsed, so a re-rendered form shows it as it was.
        var entered: String
        /// What the sheet showed when it was drawn (posted back as `expected`); nil on a new sheet.
        var drawn: Int? = nil
    }

    var rows: [Row]

    /// A count sheet lists every batch on hand, so it may be longer than one movement's lines.
    static let maxRows = 1000

    /// The batches on hand, each prefilled with `prefill` (the count sheet prefills what is expected).
    init(levels: [StockLevel], prefillExpected: Bool) {
        rows = levels.filter { $0.quantity > 0 }.sorted { ($0.sku, $0.batch) < ($1.sku, $1.batch) }.map { level in
            Row(
                sku: level.sku, batch: level.batch, bestBefore: level.bestBefore?.description ?? "",
                expected: level.quantity, entered: prefillExpected ? String(level.quantity) : "")
        }
    }

    /// `count` blank rows for a delivery.
    init(blank count: Int) {
        rows = Array(repeating: Row(sku: "", batch: "", bestBefore: "", expected: 0, entered: ""), count: count)
    }

    /// The rows a form posted. Every row carries all four fields (hidden or typed); a hand-made
    /// form whose columns do not line up is refused rather than guessed at.
    init(_ form: FormBody, expected levels: [StockLevel]) throws {
        let skus = form.all("sku"), batches = form.all("batch"), quantities = form.all("quantity")
        let dates = form.all("best_before"), drawn = form.all("expected")
        guard skus.count <= Self.maxRows, batches.count == skus.count, quantities.count == skus.count,
            dates.isEmpty || dates.count == skus.count, drawn.isEmpty || drawn.count == skus.count
        else {
            throw Problem.badParameter("sku", "each row needs its batch and quantity; at most \(Self.maxRows) rows")
        }
        var onHand: [String: Int] = [:]
        for level in levels { onHand[level.sku + "\u{1F}" + level.batch] = level.quantity }
        rows = skus.indices.map { index in
            let sku = skus[index].trimmingWhitespace, batch = batches[index].trimmingWhitespace
            return Row(
                sku: sku, batch: batch, bestBefore: dates.isEmpty ? "" : dates[index].trimmingWhitespace,
                expected: onHand[sku + "\u{1F}" + batch] ?? 0, entered: quantities[index].trimmingWhitespace,
                drawn: drawn.isEmpty ? nil : Int(drawn[index].trimmingWhitespace))
        }
    }

    /// The typed quantity of row `index`: nil when left blank (or zero where zero means nothing),
    /// a field error naming the row when it is not a whole number in range.
    func quantity(at index: Int, allowZero: Bool) throws(DomainError) -> Int? {
        let text = rows[index].entered
        guard !text.isEmpty else { return nil }
        guard let value = Int(text), (0...StockRules.maxLineQuantity).contains(value) else {
            throw DomainError.invalid(
                field: "lines[\(index)].quantity", "row \(index + 1): a whole number from 0 to \(StockRules.maxLineQuantity)")
        }
        return value == 0 && !allowZero ? nil : value
    }

    /// The filled rows as movement lines (blank and zero rows left out).
    func batchLines(allowZero: Bool) throws(DomainError) -> [BatchLine] {
        var lines: [BatchLine] = []
        for index in rows.indices where !rows[index].sku.isEmpty {
            if let quantity = try quantity(at: index, allowZero: allowZero) {
                lines.append(BatchLine(sku: rows[index].sku, batch: rows[index].batch, quantity: quantity))
            }
        }
        guard !lines.isEmpty else { throw DomainError.invalid(field: "lines", "type a quantity on at least one row") }
        return lines
    }

    /// The rows counted differently from what the sheet showed, checked by the API's rules
    /// (`CountRequest`): a sheet of 500 batches with 3 differences is a count of 3 lines. A row left
    /// as drawn is not a count, so a sale made while the sheet was open is not undone by it.
    func countLines() throws(DomainError) -> [BatchLine] {
        var lines: [CountRequest.Line] = []
        for index in rows.indices where !rows[index].sku.isEmpty {
            let shown = rows[index].drawn ?? rows[index].expected
            if let counted = try quantity(at: index, allowZero: true), counted != shown {
                let row = rows[index]
                lines.append(CountRequest.Line(sku: row.sku, batch: row.batch.isEmpty ? nil : row.batch, counted: counted))
            }
        }
        guard !lines.isEmpty else { return [] }
        return try CountRequest(lines: lines).validated()
    }

    /// The filled rows of a delivery, checked by the API's own rules (`ReceiptRequest`). A row's
    /// code may be a GTIN as a scanner types it; it becomes the SKU it names.
    func receiptLines(reference: String?, skus: SKUDirectory) throws(DomainError) -> [ReceiptLine] {
        var lines: [ReceiptRequest.Line] = []
        for index in rows.indices where !rows[index].sku.isEmpty {
            let row = rows[index]
            guard let quantity = try quantity(at: index, allowZero: false) else {
                throw DomainError.invalid(field: "lines[\(index)].quantity", "row \(index + 1): how many arrived")
            }
            let matches = skus.lookup(row.sku)
            let sku = matches.count == 1 && row.sku.allSatisfy(\.isNumber) ? matches[0].sku : row.sku
            lines.append(
                ReceiptRequest.Line(
                    sku: sku, batch: row.batch.isEmpty ? nil : row.batch,
                    bestBefore: row.bestBefore.isEmpty ? nil : row.bestBefore, quantity: quantity, unitCost: nil))
        }
        guard !lines.isEmpty else { throw DomainError.invalid(field: "lines", "type a quantity on at least one row") }
        return try ReceiptRequest(lines: lines, reference: reference).validated()
    }

    /// The rows as a template's list.
    func context(names: SKUDirectory, language: Language, showDifference: Bool = false) -> [[String: Any]] {
        rows.enumerated().map { index, row in
            var values: [String: Any] = [
                "index": index, "sku": row.sku, "batch": row.batch, "best_before": row.bestBefore,
                "best_before_text": CalendarDate(iso: row.bestBefore).map { ShowroomFormat.date($0, language) } ?? "—",
                "expected": row.expected, "entered": row.entered,
                "name": names.name(row.sku),
                "label": "\(names.name(row.sku)) \(row.batch)",
            ]
            if showDifference, let counted = Int(row.entered), (0...StockRules.maxLineQuantity).contains(counted),
                counted != (row.drawn ?? row.expected)
            {
                let difference = counted - row.expected
                values["difference"] = difference > 0 ? "+\(difference)" : String(difference)
                values["differs"] = difference != 0
            }
            return values
        }
    }
}
