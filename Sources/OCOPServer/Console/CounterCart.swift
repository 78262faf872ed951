import OCOPDomain
import OCOPStorage

/// The sale being put together at the counter. Without JavaScript it lives in the form itself
/// (one `sku`, `qty` and `discount` field per line), so every "add" is a round trip that the
/// server answers with the form again: the tablet keeps nothing the server does not see.
struct CounterCart {
    struct Line {
        var sku: String
        var quantity: Int
        var discount: Int
    }

    var lines: [Line] = []
    /// Problems to show beside the form (a code that matches nothing, a quantity out of range).
    var notes: [String] = []

    static let maxLines = 100

    /// The lines the form carried. Numbers are range-checked before anything adds them up.
    init(_ form: FormBody) throws {
        let skus = form.all("sku"), quantities = form.all("qty"), discounts = form.all("discount")
        guard skus.count == quantities.count, skus.count <= Self.maxLines else {
            throw Problem.badParameter("sku", "each line needs its quantity; at most \(Self.maxLines) lines")
        }
        for (index, sku) in skus.enumerated() {
            guard let quantity = Int(quantities[index].trimmingWhitespace), (1...100_000).contains(quantity) else {
                throw Problem.badParameter("qty", "line \(index + 1): a whole number from 1 to 100000")
            }
            let discountText = index < discounts.count ? discounts[index].trimmingWhitespace : ""
            guard let discount = discountText.isEmpty ? 0 : Int(discountText), (0...1_000_000_000).contains(discount)
            else { throw Problem.badParameter("discount", "line \(index + 1): whole đồng, not negative") }
            lines.append(Line(sku: sku, quantity: quantity, discount: discount))
        }
    }

    init() {}

    /// Adds one unit of what `code` names: a GTIN as a scanner types it, a SKU, or words of a name.
    mutating func add(code: String, skus: SKUDirectory) -> [(sku: String, label: String)] {
        let code = code.trimmingWhitespace
        guard !code.isEmpty else { return [] }
        let matches = skus.lookup(code)
        if matches.count == 1 {
            let sku = matches[0].sku
            if let index = lines.firstIndex(where: { $0.sku == sku }) {
                lines[index].quantity = min(lines[index].quantity + 1, 100_000)
            } else if lines.count < Self.maxLines {
                lines.append(Line(sku: sku, quantity: 1, discount: 0))
            }
            return []
        }
        if matches.isEmpty { notes.append("no product or SKU matches '\(code)'") }
        return matches
    }

    var saleLines: [SaleLine] { lines.map { SaleLine(sku: $0.sku, quantity: $0.quantity, discount: $0.discount) } }
}
