import Foundation
public import Logging
import SQLKit

/// Applies the migrations that a database has not seen yet, all in one transaction.
///
/// Several nodes may start at once on one PostgreSQL: an advisory lock taken inside the transaction
/// makes the others wait, and they then find the migrations applied.
public struct Migrator: Sendable {
    private let database: Database
    private let logger: Logger
    /// Any fixed number; it names the lock among the advisory locks of this database.
    private static let advisoryLockKey = 0x0C0B_0001

    public init(database: Database, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// Applies what is pending and returns the ids it applied.
    @discardableResult
    public func migrate() async throws -> [String] {
        let engine = database.engine
        let applied = try await database.transaction { sql -> [String] in
            if engine == .postgres {
                try await sql.raw("SELECT pg_advisory_xact_lock(\(bind: Self.advisoryLockKey))").run()
            }
            try await sql.raw(
                "CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
            ).run()
            let done = Set(
                try await sql.raw("SELECT id FROM schema_migrations").all().map {
                    try $0.decode(column: "id", as: String.self)
                })
            var applied: [String] = []
            for migration in Migrations.all where !done.contains(migration.id) {
                for statement in migration.statements {
                    try await sql.raw(SQLQueryString(SchemaDialect.statement(statement, for: engine))).run()
                }
                let now = ISO8601DateFormatter().string(from: Date())
                try await sql.raw("INSERT INTO schema_migrations (id, applied_at) VALUES (\(bind: migration.id), \(bind: now))")
                    .run()
                applied.append(migration.id)
            }
            return applied
        }
        for id in applied { logger.info("applied migration", metadata: ["migration": "\(id)"]) }
        return applied
    }
}
