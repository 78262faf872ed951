import OCOPDomain
import OCOPStorage

/// The URL printed on each stamp of a run, as its QR code carries it: the same for the printer's
/// CSV and the console's printable sheet. The public address when one is configured, else the
/// address this request came to (so a QR code is never a bare path a phone cannot open).
enum PrintedStampLinks {
    static func urls(
        _ run: StampRun, base: String, catalog: CatalogContents
    ) -> [(code: StampCode, url: String)] {
        // The product's first barcode makes the GS1 Digital Link form; without one, /v/{code}.
        let gtin = catalog.products.first { $0.slug == run.product }?.variants.compactMap(\.gtin).first
        return run.codes.map { ($0, base + StampLink.path(code: $0.symbols, gtin: gtin, batch: run.batch)) }
    }
}
