import ArgumentParser
import Foundation
import OCOPDomain
import OCOPStorage

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate a catalog folder and import it in one transaction.",
        discussion: "Problems are printed as file:line: field: reason and nothing is written.")

    @OptionGroup var options: CommonOptions

    @Argument(help: "The catalog folder (default: --catalog-dir, OCOP_CATALOG_DIR or Catalog).")
    var directory: String?

    func run() async throws {
        let logger = try options.bootstrapLogging()
        let catalog = directory.map { URL(fileURLWithPath: $0) } ?? options.catalogDirectory
        // A bulk write into large indexes: a bigger page cache keeps import time linear in the catalog.
        let database = try await options.openMigratedDatabase(logger: logger, sqliteCacheMegabytes: 128)
        let importer = CatalogImporter(
            reader: CatalogReader(catalogDirectory: catalog, mediaDirectory: options.mediaDirectory),
            store: CatalogStore(database: database), clock: SystemWallClock())
        let progress = TerminalProgress()
        let outcome = try await database.withBulkWrites {
            try await importer.run(actor: "cli:\(NSUserName())") { read, total in
                progress.show("importing: \(read) of \(total) files read and written")
            }
        }
        progress.finish()
        try await database.close()
        switch outcome {
        case .rejected(let issues):
            for issue in issues { FileHandle.standardError.write(Data("\(issue)\n".utf8)) }
            FileHandle.standardError.write(Data("\(issues.count) problem(s); nothing was imported\n".utf8))
            throw ExitCode(1)
        case .imported(let report):
            print(ImportSummary.text(report))
        }
    }
}

/// The human summary of an import.
enum ImportSummary {
    static func text(_ report: ImportReport) -> String {
        func line(_ name: String, _ counts: ImportReport.Counts) -> String {
            "\(name): \(counts.created) created, \(counts.updated) updated, \(counts.unchanged) unchanged, "
                + "\(counts.removed) removed"
        }
        let verdict = report.changedNothing ? "no changes" : "imported"
        return [verdict, line("producers", report.producers), line("products", report.products)]
            .joined(separator: "\n")
    }
}
