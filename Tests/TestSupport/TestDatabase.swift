public import Foundation
import Logging
public import OCOPDomain
public import OCOPStorage

/// A fresh, migrated database (an SQLite file, or a new PostgreSQL database in the test cluster),
/// with the fixture catalog written to a fresh folder beside it.
public struct TestCatalogStack: Sendable {
    public let directory: TemporaryDirectory
    public let fixture: CatalogFixture
    public let database: Database
    /// Where `database` is, to open it again as a second node.
    public let url: DatabaseURL
    public let store: CatalogStore
    public let clock: ManualWallClock

    public static func make(_ engine: TestEngine = .sqlite, importFixture: Bool = true) async throws -> TestCatalogStack {
        let directory = try TemporaryDirectory()
        let fixture = try CatalogFixture(in: directory)
        let logger = Logger(label: "test")
        let url = try await engine.freshDatabaseURL(in: directory)
        let database = try await Database.open(url, logger: logger, maxConnections: 8)
        try await Migrator(database: database, logger: logger).migrate()
        let stack = TestCatalogStack(
            directory: directory, fixture: fixture, database: database, url: url, store: CatalogStore(database: database),
            clock: ManualWallClock(CatalogFixture.noonToday))
        if importFixture {
            guard case .imported = try await stack.importCatalog() else {
                throw DomainError(.invalid, "the fixture catalog did not import")
            }
        }
        return stack
    }

    public func importer(catalog: URL? = nil, media: URL? = nil, filesPerBatch: Int = 256) -> CatalogImporter {
        CatalogImporter(
            reader: CatalogReader(
                catalogDirectory: catalog ?? fixture.catalog, mediaDirectory: media ?? fixture.media,
                filesPerBatch: filesPerBatch),
            store: store, clock: clock)
    }

    public func importCatalog(catalog: URL? = nil, media: URL? = nil, filesPerBatch: Int = 256) async throws
        -> ImportOutcome
    {
        try await importer(catalog: catalog, media: media, filesPerBatch: filesPerBatch).run(actor: "test")
    }

    /// Closes the database and removes the folder.
    public func tearDown() async throws {
        try await database.close()
        directory.remove()
    }
}

extension TestCatalogStack {
    /// Runs `body` on a fresh stack and tears it down afterwards, awaited, whether `body` threw or not.
    public static func with<T: Sendable>(
        _ engine: TestEngine = .sqlite, importFixture: Bool = true, _ body: (TestCatalogStack) async throws -> T
    ) async throws -> T {
        let stack = try await make(engine, importFixture: importFixture)
        do {
            let result = try await body(stack)
            try await stack.tearDown()
            return result
        } catch {
            try? await stack.tearDown()
            throw error
        }
    }
}

extension Database {
    /// Runs `body` with the database and closes it afterwards, awaited, whether `body` threw or not.
    public func closing<T: Sendable>(_ body: (Database) async throws -> T) async throws -> T {
        do {
            let result = try await body(self)
            try await close()
            return result
        } catch {
            try? await close()
            throw error
        }
    }
}
