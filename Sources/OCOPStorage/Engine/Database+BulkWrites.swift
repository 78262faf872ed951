import Logging
import SQLKit

extension Database {
    /// Runs a bulk write (a catalog import) with SQLite's rollback journal instead of its
    /// write-ahead log, when no other connection has the file open.
    ///
    /// In WAL mode a large transaction is written twice, to the log and then into the database,
    /// and the log of a 200,000-product import grows past 2 GB; the rollback journal only keeps the
    /// pages the transaction overwrote. Measured in docs/decisions.md. SQLite refuses to leave WAL
    /// while another process (a running server) has the database open: the write then runs in WAL
    /// as usual, and nobody waits on it longer than before. WAL comes back afterwards, and on the
    /// next open if the process dies in between. PostgreSQL runs `body` as it is.
    public func withBulkWrites<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        guard case .sqlite(let sql, let lock) = backend else { return try await body() }
        let switched = await lock.withLock { () async -> Bool in
            let mode = try? await sql.raw("PRAGMA journal_mode = TRUNCATE").first()?.decode(column: "journal_mode", as: String.self)
            // Statement journals in memory too: the multi-row upserts of an import spilled them to temp files.
            try? await sql.raw("PRAGMA temp_store = MEMORY").run()
            return mode?.lowercased() == "truncate"
        }
        if !switched { logger.info("another connection has the database open: the bulk write runs in WAL mode") }
        func backToWAL() async {
            guard switched else { return }
            await lock.withLock {
                do {
                    try await sql.raw("PRAGMA journal_mode = WAL").run()
                } catch {
                    logger.error("could not return to WAL mode", metadata: ["error": "\(error)"])
                }
            }
        }
        let result: T
        do {
            result = try await body()
        } catch {
            await backToWAL()
            throw error
        }
        await backToWAL()
        return result
    }
}
