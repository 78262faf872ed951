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

/// Imports a catalog folder in one transaction: each batch of files is validated and written as it
/// is read, and the whole import rolls back when any file has a problem, so nothing is written
/// unless everything is valid. What the files no longer hold is withdrawn. A second run over the
/// same files changes nothing.
public struct CatalogImporter: Sendable {
    private let reader: CatalogReader
    private let store: CatalogStore
    private let clock: any WallClock

    public init(reader: CatalogReader, store: CatalogStore, clock: any WallClock) {
        self.reader = reader
        self.store = store
        self.clock = clock
    }

    /// `progress` is told the files read so far and in all, after each batch.
    public func run(
        actor: String, progress: (@Sendable (_ read: Int, _ total: Int) -> Void)? = nil
    ) async throws -> ImportOutcome {
        // Taken before reading: a file changed while the import runs makes the next one read again.
        let fingerprint = CatalogFingerprint.compute(
            catalogDirectory: reader.catalogDirectory, mediaDirectory: reader.mediaDirectory)
        if let fingerprint, try await store.importFingerprint() == fingerprint {
            var report = ImportReport()
            (report.producers.unchanged, report.products.unchanged) = try await store.liveCounts()
            return .imported(report)
        }
        let report: ImportReport
        do {
            report = try await store.importing(actor: actor, at: clock.now()) { writer in
                try await importFiles(into: writer, progress: progress)
            }
        } catch let rejection as Rejection {
            return .rejected(rejection.issues)
        }
        if let fingerprint { try await store.recordImportFingerprint(fingerprint) }
        return .imported(report)
    }

    /// Thrown out of the transaction to roll back what the valid batches wrote.
    private struct Rejection: Error {
        let issues: [CatalogIssue]
    }

    private func importFiles(
        into writer: CatalogImportWriter, progress: (@Sendable (_ read: Int, _ total: Int) -> Void)?
    ) async throws -> ImportReport {
        let reading = reader.reading()
        let total = reading.fileCount  // fixed once the folder is listed
        let readAhead = CatalogReadAhead(reading)
        var report = ImportReport()
        var step = await readAhead.next()
        while let batch = step.batch {
            // After the first problem nothing more is written, but every file is still read, so
            // that all problems are reported at once.
            if step.issues.isEmpty { try await save(batch, writer, &report) }
            progress?(step.filesRead, total)
            step = await readAhead.next()
        }
        guard step.issues.isEmpty else { throw Rejection(issues: step.issues) }

        let live = try await writer.liveSlugs()
        let productsToWithdraw = live.products.subtracting(reading.productSlugs).sorted()
        let producersToWithdraw = live.producers.subtracting(reading.producerSlugs).sorted()
        report.products.removed = productsToWithdraw.count
        report.producers.removed = producersToWithdraw.count
        try await writer.withdraw(producers: producersToWithdraw, products: productsToWithdraw)
        if !report.changedNothing {
            try await writer.markChanged(
                productsSaved: report.products.created + report.products.updated,
                productsWithdrawn: productsToWithdraw.count)
        }
        return report
    }

    /// Saves what in one batch differs from the database, counting what it did.
    private func save(_ batch: CatalogBatch, _ writer: CatalogImportWriter, _ report: inout ImportReport) async throws {
        let stored = try await writer.storedDocuments(
            producers: batch.producers.map(\.record.slug), products: batch.products.map(\.record.slug))
        let producers = batch.producers.filter {
            Self.count(stored.producers[$0.record.slug], $0.document, &report.producers)
        }
        let products = batch.products.filter {
            Self.count(stored.products[$0.record.slug], $0.document, &report.products)
        }
        if !producers.isEmpty || !products.isEmpty {
            try await writer.save(producers: producers, products: products, before: stored)
        }
    }

    /// Counts a record as created, updated or unchanged against its stored document; true when it
    /// is to be saved.
    private static func count(_ stored: StoredDocument?, _ document: String, _ counts: inout ImportReport.Counts) -> Bool {
        switch stored {
        case nil:
            counts.created += 1
        case let stored? where stored.json == document && !stored.isWithdrawn:
            counts.unchanged += 1
            return false
        case let stored?:
            if stored.isWithdrawn { counts.created += 1 } else { counts.updated += 1 }
        }
        return true
    }
}
