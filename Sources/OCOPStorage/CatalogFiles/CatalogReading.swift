import Foundation
public import OCOPDomain

/// The records of one batch of catalog files that passed validation, in file order.
public struct CatalogBatch: Sendable {
    public var producers: [Producer] = []
    public var products: [Product] = []
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
    /// Where each SKU was first seen: a SKU is unique across the whole catalog.
    private var skuLocations: [String: String] = [:]

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
        if position < producerFiles.count {
            let files = producerFiles[position..<min(position + reader.filesPerBatch, producerFiles.count)]
            position += files.count
            for (file, parsed) in zip(files, reader.parse(files)) {
                let fields = YAMLFieldReader(file: file.relativePath)
                if let root = reader.check(parsed, file, fields), let producer = reader.readProducer(root, fields) {
                    batch.producers.append(producer)
                }
                issues += fields.issues
            }
        } else if position < producerFiles.count + productFiles.count {
            let start = position - producerFiles.count
            let files = productFiles[start..<min(start + reader.filesPerBatch, productFiles.count)]
            position += files.count
            for (file, parsed) in zip(files, reader.parse(files)) {
                let fields = YAMLFieldReader(file: file.relativePath)
                // Products may name any producer that has a file, valid or not: a broken producer
                // file is reported once, not again for each of its products.
                if let root = reader.check(parsed, file, fields),
                    let product = reader.readProduct(
                        root, fields, producers: producerSlugs, skuLocations: &skuLocations)
                {
                    batch.products.append(product)
                }
                issues += fields.issues
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
}
