import Foundation
public import OCOPDomain

/// What an import did, per kind of record.
public struct ImportReport: Sendable, Hashable {
    public struct Counts: Sendable, Hashable {
        public var created = 0
        public var updated = 0
        public var unchanged = 0
        public var removed = 0
    }

    public var producers = Counts()
    public var products = Counts()

    /// True when the database was left as it was.
    public var changedNothing: Bool {
        producers.created + producers.updated + producers.removed + products.created + products.updated
            + products.removed == 0
    }
}

/// The outcome of `ocop import`: either the problems found (nothing written) or what was done.
public enum ImportOutcome: Sendable {
    case rejected([CatalogIssue])
    case imported(ImportReport)
}

/// Imports a catalog folder: validate everything, then upsert in one transaction; withdraw what
/// the files no longer hold. A second run over the same files changes nothing.
public struct CatalogImporter: Sendable {
    private let reader: CatalogReader
    private let store: CatalogStore
    private let clock: any WallClock

    public init(reader: CatalogReader, store: CatalogStore, clock: any WallClock) {
        self.reader = reader
        self.store = store
        self.clock = clock
    }

    public func run(actor: String) async throws -> ImportOutcome {
        // Taken before reading: a file changed while the import runs makes the next one read again.
        let fingerprint = CatalogFingerprint.compute(
            catalogDirectory: reader.catalogDirectory, mediaDirectory: reader.mediaDirectory)
        if let fingerprint, try await store.importFingerprint() == fingerprint {
            var report = ImportReport()
            (report.producers.unchanged, report.products.unchanged) = try await store.liveCounts()
            return .imported(report)
        }
        let contents: CatalogContents
        switch reader.read() {
        case .invalid(let issues): return .rejected(issues)
        case .valid(let read): contents = read
        }
        let stored = try await store.storedDocuments()
        var changes = CatalogChanges()
        var report = ImportReport()

        for producer in contents.producers {
            let json = try CanonicalJSON.encode(producer)
            switch stored.producers[producer.slug] {
            case nil:
                report.producers.created += 1
                changes.producersToSave.append(producer)
            case let document? where document.json == json && !document.isWithdrawn:
                report.producers.unchanged += 1
            case let document?:
                if document.isWithdrawn { report.producers.created += 1 } else { report.producers.updated += 1 }
                changes.producersToSave.append(producer)
            }
        }
        for product in contents.products {
            let json = try CanonicalJSON.encode(product)
            switch stored.products[product.slug] {
            case nil:
                report.products.created += 1
                changes.productsToSave.append(product)
            case let document? where document.json == json && !document.isWithdrawn:
                report.products.unchanged += 1
            case let document?:
                if document.isWithdrawn { report.products.created += 1 } else { report.products.updated += 1 }
                changes.productsToSave.append(product)
            }
        }
        let producerSlugs = Set(contents.producers.map(\.slug))
        let productSlugs = Set(contents.products.map(\.slug))
        changes.productsToWithdraw = stored.products.filter { !$0.value.isWithdrawn && !productSlugs.contains($0.key) }
            .map(\.key).sorted()
        changes.producersToWithdraw = stored.producers
            .filter { !$0.value.isWithdrawn && !producerSlugs.contains($0.key) }.map(\.key).sorted()
        report.products.removed = changes.productsToWithdraw.count
        report.producers.removed = changes.producersToWithdraw.count

        if !changes.isEmpty {
            try await store.apply(changes, actor: actor, at: clock.now())
        }
        if let fingerprint { try await store.recordImportFingerprint(fingerprint) }
        return .imported(report)
    }
}
