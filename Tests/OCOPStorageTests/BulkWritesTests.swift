import Foundation
import Logging
import OCOPStorage
import SQLKit
import Testing
import TestSupport

/// `ocop import` writes with SQLite's rollback journal when it has the file to itself, and leaves
/// the database in WAL mode either way.
@Suite struct BulkWritesTests {
    private func journalMode(_ database: Database) async throws -> String? {
        try await database.read { sql in
            try await sql.raw("PRAGMA journal_mode").first()?.decode(column: "journal_mode", as: String.self)
        }
    }

    private func count(_ database: Database) async throws -> Int? {
        try await database.read { sql in
            try await sql.raw("SELECT COUNT(*) AS n FROM bulk").first()?.decode(column: "n", as: Int.self)
        }
    }

    /// A database file with an empty table `bulk`, open in WAL mode.
    private func freshFile(in directory: TemporaryDirectory) async throws -> (DatabaseURL, Database) {
        let url = try DatabaseURL("sqlite:" + directory.path("bulk.sqlite").path)
        let database = try await Database.open(url, logger: Logger(label: "test"))
        try await database.transaction { sql in try await sql.raw("CREATE TABLE bulk (n INTEGER)").run() }
        return (url, database)
    }

    @Test func aLoneWriterUsesTheRollbackJournalAndReturnsToWAL() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (_, database) = try await freshFile(in: directory)
        #expect(try await journalMode(database) == "wal")

        let modeDuring = try await database.withBulkWrites {
            try await database.transaction { sql in
                for n in 1...100 { try await sql.raw("INSERT INTO bulk (n) VALUES (\(bind: n))").run() }
            }
            return try await journalMode(database)
        }
        #expect(modeDuring == "truncate")
        #expect(try await journalMode(database) == "wal")
        #expect(try await count(database) == 100)
        try await database.close()
    }

    @Test func aWriteBesideAnotherConnectionStaysInWALAndAFailedOneLeavesNothing() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (url, server) = try await freshFile(in: directory)
        _ = try await count(server)  // the other connection has read the file, as a running server has
        let importer = try await Database.open(url, logger: Logger(label: "import"))

        struct Broken: Error {}
        await #expect(throws: Broken.self) {
            try await importer.withBulkWrites {
                #expect(try await journalMode(importer) == "wal")
                try await importer.transaction { sql in
                    try await sql.raw("INSERT INTO bulk (n) VALUES (1)").run()
                    throw Broken()
                }
            }
        }
        #expect(try await count(server) == 0)
        #expect(try await journalMode(importer) == "wal")
        try await importer.close()
        try await server.close()
    }
}
