public import Foundation
import Logging
public import OCOPDomain
public import OCOPStorage

/// A real SQLite file in a fresh folder, migrated, with the fixture catalog written beside it.
public struct TestCatalogStack: Sendable {
    public let directory: TemporaryDirectory
    public let fixture: CatalogFixture
    public let database: Database
    public let store: CatalogStore
    public let clock: ManualWallClock

    public static func make(importFixture: Bool = true) async throws -> TestCatalogStack {
        let directory = try TemporaryDirectory()
        let fixture = try CatalogFixture(in: directory)
        let logger = Logger(label: "test")
        let database = try await Database.open(
            DatabaseURL("sqlite:" + directory.path("ocop.sqlite").path), logger: logger)
        try await Migrator(database: database, logger: logger).migrate()
        let stack = TestCatalogStack(
            directory: directory, fixture: fixture, database: database, store: CatalogStore(database: database),
            clock: ManualWallClock(CatalogFixture.noonToday))
        if importFixture {
            guard case .imported = try await stack.importCatalog() else {
                throw DomainError(.invalid, "the fixture catalog did not import")
            }
        }
        return stack
    }

    public func importer(catalog: URL? = nil, media: URL? = nil) -> CatalogImporter {
        CatalogImporter(
            reader: CatalogReader(catalogDirectory: catalog ?? fixture.catalog, mediaDirectory: media ?? fixture.media),
            store: store, clock: clock)
    }

    public func importCatalog(catalog: URL? = nil, media: URL? = nil) async throws -> ImportOutcome {
        try await importer(catalog: catalog, media: media).run(actor: "test")
    }

    /// Closes the database and removes the folder.
    public func tearDown() async throws {
        try await database.close()
        directory.remove()
    }
}
