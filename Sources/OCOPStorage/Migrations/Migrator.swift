import Foundation
public import Logging
import SQLKit

/// Applies the migrations that a database has not seen yet, each in its own transaction.
public struct Migrator: Sendable {
    private let database: Database
    private let logger: Logger

    public init(database: Database, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// Applies what is pending and returns the ids it applied.
    @discardableResult
    public func migrate() async throws -> [String] {
        try await database.transaction { sql in
            try await sql.raw(
                "CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
            ).run()
        }
        let done = try await appliedIDs()
        var applied: [String] = []
        for migration in Migrations.all where !done.contains(migration.id) {
            try await database.transaction { sql in
                for statement in migration.statements {
                    try await sql.raw(SQLQueryString(SchemaDialect.statement(statement, for: database.engine))).run()
                }
                let now = ISO8601DateFormatter().string(from: Date())
                try await sql.raw("INSERT INTO schema_migrations (id, applied_at) VALUES (\(bind: migration.id), \(bind: now))")
                    .run()
            }
            logger.info("applied migration", metadata: ["migration": "\(migration.id)"])
            applied.append(migration.id)
        }
        return applied
    }

    /// The migrations still to apply; empty when the schema is current.
    public func pending() async throws -> [String] {
        let done = try await (try? appliedIDs()) ?? []
        return Migrations.all.map(\.id).filter { !done.contains($0) }
    }

    private func appliedIDs() async throws -> Set<String> {
        let rows = try await database.read { sql in
            try await sql.raw("SELECT id FROM schema_migrations").all()
        }
        return Set(try rows.map { try $0.decode(column: "id", as: String.self) })
    }
}
