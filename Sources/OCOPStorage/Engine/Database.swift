import Foundation
public import Logging
public import OCOPDomain
public import SQLKit
import SQLiteKit

/// The one door to the database: every store runs its SQL through `transaction` or `read`.
///
/// SQLite: one connection in WAL mode, and one writer at a time by design, so transactions are
/// serialised by an async lock rather than by SQLite's busy-retry loop (which fails under load).
public final class Database: Sendable {
    /// Which engine answers; engine-specific SQL branches on this and nothing else.
    public enum Engine: Sendable { case sqlite }

    public let engine: Engine
    private let connection: SQLiteConnection
    private let lock = AsyncSerialLock()
    private let logger: Logger

    private init(engine: Engine, connection: SQLiteConnection, logger: Logger) {
        self.engine = engine
        self.connection = connection
        self.logger = logger
    }

    /// Opens (creating when missing) the database at `url`.
    public static func open(_ url: DatabaseURL, logger: Logger) async throws -> Database {
        switch url.kind {
        case .sqliteMemory:
            let connection = try await SQLiteConnection.open(storage: .memory, logger: logger)
            return try await configure(Database(engine: .sqlite, connection: connection, logger: logger))
        case .sqliteFile(let path):
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            let connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
            return try await configure(Database(engine: .sqlite, connection: connection, logger: logger))
        case .postgres:
            throw DomainError.invalid(field: "database", "PostgreSQL is not built into this version yet; use sqlite:PATH")
        }
    }

    private static func configure(_ database: Database) async throws -> Database {
        let sql = database.connection.sql()
        // WAL lets readers (backups, the CLI) run beside the server; NORMAL sync is durable across
        // process crashes and loses at most the last transactions on power loss, the usual WAL trade.
        try await sql.raw("PRAGMA journal_mode = WAL").run()
        try await sql.raw("PRAGMA synchronous = NORMAL").run()
        try await sql.raw("PRAGMA foreign_keys = ON").run()
        try await sql.raw("PRAGMA busy_timeout = 5000").run()
        return database
    }

    /// Runs `body` in one transaction: everything it wrote commits together, or nothing does.
    public func transaction<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await lock.withLock {
            let sql = connection.sql()
            try await sql.raw("BEGIN IMMEDIATE").run()
            do {
                let result = try await body(sql)
                try await sql.raw("COMMIT").run()
                return result
            } catch {
                do {
                    try await sql.raw("ROLLBACK").run()
                } catch let rollbackError {
                    logger.error("rollback failed", metadata: ["error": "\(rollbackError)"])
                }
                throw error
            }
        }
    }

    /// Runs reads that need no transaction.
    public func read<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await lock.withLock { try await body(connection.sql()) }
    }

    /// Closes the connection; the database must not be used afterwards.
    public func close() async throws {
        try await lock.withLock { try await connection.close() }
    }
}

extension Database {
    /// A trivial query, for readiness checks.
    public func ping() async throws {
        _ = try await read { sql in try await sql.raw("SELECT 1 AS one").all() }
    }
}
