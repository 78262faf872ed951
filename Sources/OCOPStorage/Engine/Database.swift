import Foundation
public import Logging
import OCOPDomain
import PostgresKit
import PostgresNIO
public import SQLKit
import NIOPosix
import Synchronization

/// The one door to the database: every store runs its SQL through `transaction` or `read`, on
/// SQLite (the embedded default) or PostgreSQL (several nodes), with the same SQL.
///
/// SQLite: one connection in WAL mode, and one writer at a time by design, so transactions are
/// serialised by an async lock rather than by SQLite's busy-retry loop (which fails under load).
/// Statements run on the caller's thread through the C API (`SQLiteHandle`), prepared once. A
/// second connection for reads was tried and dropped (docs/decisions.md).
/// PostgreSQL: a pool of connections; concurrent transactions are kept apart by row locks and
/// conditional updates in the stores.
public final class Database: Sendable {
    /// Which engine answers; engine-specific SQL branches on this and nothing else.
    public enum Engine: String, Sendable { case sqlite, postgres }

    enum Backend: Sendable {
        case sqlite(InlineSQLiteDatabase, AsyncSerialLock)
        case postgres(PostgresClient, Task<Void, Never>)
    }

    public let engine: Engine
    let backend: Backend
    let logger: Logger
    /// Where this node's read models hear of committed changes.
    public let changes: ChangeBus
    /// This process among the nodes sharing a PostgreSQL database, so it skips its own NOTIFYs.
    let node = UUID().uuidString
    /// The SQLite file, for the background checkpointer; nil on PostgreSQL and in memory.
    private let sqlitePath: String?
    private let checkpointer = Mutex<SQLiteCheckpointer?>(nil)

    private init(backend: Backend, logger: Logger, sqlitePath: String? = nil) {
        self.backend = backend
        self.logger = logger
        self.sqlitePath = sqlitePath
        changes = ChangeBus(logger: logger)
        switch backend {
        case .sqlite: engine = .sqlite
        case .postgres: engine = .postgres
        }
    }

    /// Opens the database at `url`, creating an SQLite file (and its folder) when missing.
    /// `sqliteCacheMegabytes` sizes SQLite's page cache: 8 MB for the server (its peak memory is a
    /// target), more for a bulk import, whose index pages would otherwise be read again and again.
    public static func open(
        _ url: DatabaseURL, logger: Logger, maxConnections: Int = 20, sqliteCacheMegabytes: Int = 8
    ) async throws -> Database {
        switch url.kind {
        case .sqliteMemory:
            return try await openSQLite(path: ":memory:", logger: logger, cacheMegabytes: sqliteCacheMegabytes)
        case .sqliteFile(let path):
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            return try await openSQLite(path: path, logger: logger, cacheMegabytes: sqliteCacheMegabytes)
        case .postgres(let text):
            var configuration = try PostgresURL.configuration(text)
            configuration.options.maximumConnections = maxConnections
            let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
            let runner = await startRunning(client)
            let database = Database(backend: .postgres(client, runner), logger: logger)
            do {
                try await database.ping()
            } catch {
                runner.cancel()
                throw DomainError.invalid(field: "database", "cannot reach PostgreSQL at \(url): \(error)")
            }
            return database
        }
    }

    /// Starts the pool's run loop in a task owned by the database (cancelled by `close()`) and
    /// returns once that task is under way: its next step is `run()`'s first, which marks the pool
    /// running, so the first query does not lease from a pool that has not started. Not a `Service`
    /// of the server's group: the server migrates, imports and loads its catalog before that group
    /// starts, and the command-line tools have none (docs/decisions.md).
    private static func startRunning(_ client: PostgresClient) async -> Task<Void, Never> {
        let (started, signal) = AsyncStream<Void>.makeStream()
        let task = Task {
            signal.finish()
            await client.run()
        }
        for await _ in started {}
        return task
    }

    private static func openSQLite(path: String, logger: Logger, cacheMegabytes: Int) async throws -> Database {
        let sql = InlineSQLiteDatabase(
            handle: try SQLiteHandle(path: path), logger: logger, eventLoop: MultiThreadedEventLoopGroup.singleton.any())
        // WAL lets readers (backups, the CLI) run beside the server; NORMAL sync is durable across
        // process crashes and loses at most the last transactions on power loss, the usual WAL trade.
        try await sql.raw("PRAGMA journal_mode = WAL").run()
        try await sql.raw("PRAGMA synchronous = NORMAL").run()
        try await sql.raw("PRAGMA foreign_keys = ON").run()
        // Up to 5 s for another connection's lock (the checkpointer's, a backup's), looked at every 100 µs.
        sql.handle.pollWhenBusy(milliseconds: 5000)
        // The default is 2 MB; the server's 8 MB keeps the index pages a sale walks in memory.
        try await sql.raw("PRAGMA cache_size = \(unsafeRaw: String(-1024 * max(2, cacheMegabytes)))").run()
        return Database(backend: .sqlite(sql, AsyncSerialLock()), logger: logger, sqlitePath: path == ":memory:" ? nil : path)
    }

    /// Copies SQLite's write-ahead log into the database file from a background connection every
    /// `interval`, instead of inside the commit that fills it (`SQLiteCheckpointer`). For the
    /// server: a second connection keeps an import from leaving WAL mode. No-op on PostgreSQL.
    public func checkpointInBackground(every interval: Duration = .milliseconds(500)) async throws {
        guard case .sqlite(let sql, let lock) = backend, let sqlitePath else { return }
        try await lock.withLock {
            try await sql.raw("PRAGMA wal_autocheckpoint = \(unsafeRaw: String(SQLiteCheckpointer.backstopPages))").run()
        }
        let started = try SQLiteCheckpointer(path: sqlitePath, every: max(interval, .milliseconds(10)), logger: logger)
        checkpointer.withLock { $0 = started }
    }

    /// How many background checkpoints found pages to copy; nil without a checkpointer (tests).
    package var backgroundCheckpoints: Int? { checkpointer.withLock { $0 }?.copyingPasses }

    /// Runs `body` in one transaction: everything it wrote commits together, or nothing does.
    /// The changes it announced are published (`changes`) once it has committed, before this
    /// returns; a subscriber's failure never turns a committed write into an error.
    public func transaction<T: Sendable>(
        isolation: isolated (any Actor)? = #isolation, _ body: (any SQLDatabase) async throws -> T
    ) async throws -> T {
        let pending = PendingNotices()
        let result: T
        do {
            result = try await PendingNotices.$current.withValue(pending) { () async throws -> T in
                switch backend {
                case .sqlite(let sql, let lock):
                    return try await lock.withLock(isolation: isolation) {
                        try await inTransaction(sql, begin: "BEGIN IMMEDIATE", pending: pending, body)
                    }
                case .postgres(let client, _):
                    return try await client.withConnection(isolation: isolation) { connection in
                        try await inTransaction(connection.sql(queryLogLevel: nil), begin: "BEGIN", pending: pending, body)
                    }
                }
            }
        } catch {
            // COMMIT was sent but its answer was lost: the change may have committed, and a retry
            // (an idempotent replay) publishes nothing. Subscribers only re-read, so tell them anyway.
            if pending.commitSent { await changes.publish(pending.all) }
            throw error
        }
        await changes.publish(pending.all)
        return result
    }

    private func inTransaction<T: Sendable>(
        isolation: isolated (any Actor)? = #isolation, _ sql: any SQLDatabase, begin: SQLQueryString,
        pending: PendingNotices, _ body: (any SQLDatabase) async throws -> T
    ) async throws -> T {
        try await sql.raw(begin).run()
        do {
            let result = try await body(sql)
            if engine == .postgres {
                // Sent inside the transaction, so the other nodes hear of it exactly when it commits:
                // one NOTIFY for the whole batch (more only past PostgreSQL's 8000-byte payload limit).
                for payload in NoticeEnvelope.payloads(node: node, notices: pending.all) {
                    try await sql.raw("SELECT pg_notify(\(bind: ChangeNotice.channel), \(bind: payload))").run()
                }
            }
            pending.commitSent = true
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

    /// Runs reads that need no transaction.
    public func read<T: Sendable>(
        isolation: isolated (any Actor)? = #isolation, _ body: (any SQLDatabase) async throws -> T
    ) async throws -> T {
        switch backend {
        case .sqlite(let sql, let lock):
            return try await lock.withLock(isolation: isolation) { try await body(sql) }
        case .postgres(let client, _):
            return try await client.withConnection(isolation: isolation) { connection in
                try await body(connection.sql(queryLogLevel: nil))
            }
        }
    }

    /// Closes the connection(s); the database must not be used afterwards.
    public func close() async throws {
        checkpointer.withLock { $0 }?.stop()
        switch backend {
        case .sqlite(let sql, let lock):
            await lock.withLock { sql.handle.close() }
        case .postgres(_, let runner):
            runner.cancel()
            _ = await runner.value
        }
    }

    /// The PostgreSQL client, for what only PostgreSQL does (LISTEN); nil on SQLite.
    var postgresClient: PostgresClient? {
        if case .postgres(let client, _) = backend { return client }
        return nil
    }
}

extension Database {
    /// A trivial query, for readiness checks.
    public func ping() async throws {
        _ = try await read { sql in try await sql.raw("SELECT 1 AS one").all() }
    }
}

extension Database {
    /// Creates an empty database on the same PostgreSQL server (tests, `migrate-db` targets).
    public func createDatabase(named name: String) async throws {
        guard engine == .postgres else {
            throw DomainError.invalid(field: "database", "only a PostgreSQL server creates databases")
        }
        guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            throw DomainError.invalid(field: "database", "a database name is letters, digits and _")
        }
        // Identifiers cannot be bound as parameters; the name was checked to be [A-Za-z0-9_] above.
        try await read { sql in try await sql.raw("CREATE DATABASE \(unsafeRaw: name)").run() }
    }
}

extension Database {
    /// Runs `body` while holding a database-wide lock, so that only one node at a time does it
    /// (the first-start import). PostgreSQL: a session advisory lock; SQLite has one node.
    public func withExclusiveStartupLock<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        guard let client = postgresClient else { return try await body() }
        let key = 0x0C0B_0002
        return try await client.withConnection { connection in
            let sql = connection.sql(queryLogLevel: nil)
            try await sql.raw("SELECT pg_advisory_lock(\(bind: key))").run()
            do {
                let result = try await body()
                try await sql.raw("SELECT pg_advisory_unlock(\(bind: key))").run()
                return result
            } catch {
                try? await sql.raw("SELECT pg_advisory_unlock(\(bind: key))").run()
                throw error
            }
        }
    }
}

extension Database {
    /// The rows of a query as SQLite's own dynamically typed values, for copying tables whose column
    /// types the caller does not know (`migrate-db`). SQLite only.
    func sqliteRows(_ query: String) async throws -> [SQLiteValues] {
        guard case .sqlite(let sql, let lock) = backend else {
            throw DomainError.invalid(field: "from", "expected an SQLite database")
        }
        return try await lock.withLock {
            var rows: [SQLiteValues] = []
            try sql.handle.run(query, []) { rows.append($0) }
            return rows
        }
    }
}
