import OCOPDomain
import OCOPStorage

/// Every variant of the catalog, published or not (stock outlives a certificate), by SKU and by
/// GTIN, with its display name and price, and each product's folded name for the counter's search:
/// what console pages name their rows with. Built once per catalog snapshot, on first use.
struct SKUDirectory: Sendable {
    struct Entry: Sendable {
        let sku: String
        /// "Product — variant"
        let name: String
        let price: Int
    }

    private let entries: [Entry]
    private let bySKU: [String: Int]
    /// Upper-cased SKUs, for what staff type by hand.
    private let byTypedSKU: [String: Int]
    /// A GTIN's digits as printed and as GTIN-14: what a scanner types.
    private let byGTIN: [String: Int]
    /// Per product, in catalog order: its folded Vietnamese name and its variants' entries.
    private let products: [(folded: String, entries: Range<Int>)]

    init(_ catalog: CatalogContents) {
        var entries: [Entry] = []
        var bySKU: [String: Int] = [:], byTypedSKU: [String: Int] = [:], byGTIN: [String: Int] = [:]
        var products: [(String, Range<Int>)] = []
        for product in catalog.products {
            let first = entries.count
            for variant in product.variants {
                let index = entries.count
                entries.append(Entry(sku: variant.sku, name: product.name.vi + " — " + variant.label, price: variant.price))
                bySKU[variant.sku] = bySKU[variant.sku] ?? index
                byTypedSKU[variant.sku.uppercased()] = byTypedSKU[variant.sku.uppercased()] ?? index
                if let gtin = variant.gtin {
                    byGTIN[gtin.digits] = byGTIN[gtin.digits] ?? index
                    byGTIN[gtin.gtin14] = byGTIN[gtin.gtin14] ?? index
                }
            }
            products.append((VietnameseText.fold(product.name.vi), first..<entries.count))
        }
        (self.entries, self.bySKU, self.byTypedSKU, self.byGTIN, self.products) =
            (entries, bySKU, byTypedSKU, byGTIN, products)
    }

    /// "Product — variant", or the SKU itself when the catalog no longer has it.
    func name(_ sku: String) -> String { bySKU[sku].map { entries[$0].name } ?? sku }

    /// The catalog price of a SKU, in đồng.
    func price(_ sku: String) -> Int? { bySKU[sku].map { entries[$0].price } }

    /// Variants that `code` names: an exact GTIN (8, 12, 13 or 14 digits), an exact SKU (any
    /// case), else up to `limit` variants whose product name holds all the words (typed with or
    /// without diacritics).
    func lookup(_ code: String, limit: Int = 12) -> [(sku: String, label: String)] {
        if code.allSatisfy(\.isNumber), let index = byGTIN[code] { return [(entries[index].sku, entries[index].name)] }
        if let index = byTypedSKU[code.uppercased()] { return [(entries[index].sku, entries[index].name)] }
        let words = VietnameseText.fold(code).split(separator: " ")
        guard !words.isEmpty else { return [] }
        var found: [(sku: String, label: String)] = []
        for product in products where words.allSatisfy({ product.folded.contains($0) }) {
            for index in product.entries { found.append((entries[index].sku, entries[index].name)) }
            if found.count >= limit { break }
        }
        return found
    }
}
