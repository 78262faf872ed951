import Foundation
public import OCOPDomain

/// The records of one batch of catalog files that passed validation, in file order, each with its
/// canonical document.
public struct CatalogBatch: Sendable {
    public var producers: [DocumentedRecord<Producer>] = []
    public var products: [DocumentedRecord<Product>] = []
}

/// Reads a catalog folder a batch of files at a time, in file order: producers, then products.
/// Problems gather in `issues` as the batches go; a batch holds only the records that passed.
///
/// An import writes each batch and lets it go, so its memory stays at one batch whatever the size
/// of the catalog (holding a 200,000-product catalog at once took 1 GB, and malloc slowed down
/// with it; see docs/decisions.md).
public final class CatalogReading {
    public private(set) var issues: [CatalogIssue] = []
    /// The slugs the files name (a file's slug is its name): what the catalog holds after the import.
    public let producerSlugs: Set<String>
    public let productSlugs: Set<String>

    private let reader: CatalogReader
    private let producerFiles: [CatalogReader.CatalogFile]
    private let productFiles: [CatalogReader.CatalogFile]
    private var position = 0
    private var finished = false
    /// Files read so far, and in all (producers and products): for a progress line.
    public var filesRead: Int { position }
    public var fileCount: Int { producerFiles.count + productFiles.count }
    /// Where each SKU was first seen: a SKU is unique across the whole catalog.
    private var skuLocations: [String: (file: String, line: Int)] = [:]

    init(reader: CatalogReader) {
        self.reader = reader
        producerFiles = reader.yamlFiles(in: "producers", issues: &issues)
        productFiles = reader.yamlFiles(in: "products", issues: &issues)
        producerSlugs = Set(producerFiles.map(\.slug))
        productSlugs = Set(productFiles.map(\.slug))
    }

    /// The next batch, or nil when every file has been read (`issues` is then complete).
    public func nextBatch() -> CatalogBatch? {
        var batch = CatalogBatch()
        let reader = reader  // not self: the files are read on other threads
        if position < producerFiles.count {
            let files = producerFiles[position..<min(position + reader.filesPerBatch, producerFiles.count)]
            position += files.count
            for file in reader.read(files, { root, fields, _ in reader.readProducer(root, fields) }) {
                if let producer = file.record, file.issues.isEmpty { batch.producers.append(producer) }
                issues += file.issues
            }
        } else if position < producerFiles.count + productFiles.count {
            let start = position - producerFiles.count
            let files = productFiles[start..<min(start + reader.filesPerBatch, productFiles.count)]
            position += files.count
            // Products may name any producer that has a file, valid or not: a broken producer
            // file is reported once, not again for each of its products.
            let producers = producerSlugs
            let read = reader.read(files) { root, fields, skus in
                reader.readProduct(root, fields, producers: producers, skus: &skus)
            }
            for file in read {
                let fileIssues = file.issues + secondUses(of: file.skus, in: file.file)
                if let product = file.record, fileIssues.isEmpty { batch.products.append(product) }
                issues += fileIssues
            }
        } else {
            if !finished, producerFiles.isEmpty, issues.isEmpty {
                issues.append(CatalogIssue(file: "producers", line: 0, field: "(folder)", reason: "no producer files"))
            }
            finished = true
            return nil
        }
        return batch
    }

    /// The SKUs of one file that an earlier file (or an earlier variant) already used, in file
    /// order, which is why this runs here and not on the parsing threads.
    private func secondUses(of skus: [CatalogReader.NamedSKU], in file: String) -> [CatalogIssue] {
        var issues: [CatalogIssue] = []
        for named in skus {
            if let first = skuLocations[named.sku] {
                issues.append(CatalogIssue(
                    file: file, line: named.line, field: named.field,
                    reason: "SKU '\(named.sku)' is already used at \(first.file):\(first.line)"))
            } else {
                skuLocations[named.sku] = (file, named.line)
            }
        }
        return issues
    }
}
