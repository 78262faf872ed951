#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import SQLiteNIO
import VaporCSQLite

/// One SQLite connection driven directly through the C API, on the calling thread.
///
/// sqlite-nio runs every statement on a thread pool and hops back to an event loop for each row and
/// for the result: two thread switches per statement at least, which made a counter sale (a dozen
/// statements inside the single writer's lock) wait on the scheduler far longer than SQLite worked.
/// Here a statement runs where the caller is, and is prepared once and kept (SQLite re-prepares it
/// by itself after a schema change). The `Database` lock guarantees one user at a time, which is
/// what makes the unsynchronised statement cache safe (see docs/decisions.md).
final class SQLiteHandle: @unchecked Sendable {
    private var db: OpaquePointer?
    /// Prepared statements by SQL text. Bounded: statements whose text varies (IN lists) would
    /// otherwise accumulate; when full, the cache is emptied and refills with what is in use.
    private var statements: [String: OpaquePointer] = [:]
    private static let statementLimit = 400

    /// Opens (creating when missing) the database at `path`, or ":memory:".
    init(path: String) throws {
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_CREATE | SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX | SQLITE_OPEN_URI
            | SQLITE_OPEN_EXRESCODE
        let status = sqlite_nio_sqlite3_open_v2(path, &handle, flags, nil)
        guard status == SQLITE_OK, let handle else {
            let message = handle.flatMap { sqlite_nio_sqlite3_errmsg($0) }.map { String(cString: $0) } ?? "cannot open"
            sqlite_nio_sqlite3_close(handle)
            throw SQLiteStatementError(code: status, message: "\(message) (\(path))")
        }
        db = handle
    }

    deinit { close() }

    /// Finalises every statement and closes the connection; later calls fail.
    func close() {
        for statement in statements.values { sqlite_nio_sqlite3_finalize(statement) }
        statements.removeAll()
        if let db { sqlite_nio_sqlite3_close_v2(db) }
        db = nil
    }

    /// Copies what the write-ahead log holds into the database file, without waiting for or
    /// blocking writers (SQLite's PASSIVE checkpoint); returns the log's frames and those copied.
    @discardableResult
    func checkpointPassively() throws -> (logFrames: Int, copied: Int) {
        try checkpoint(SQLITE_CHECKPOINT_PASSIVE) ?? (0, 0)
    }

    /// Copies the rest of the log and makes the next writer rewind it (SQLite's RESTART checkpoint):
    /// writers wait while it runs, at most `waitMilliseconds` for the current one to finish. Nil
    /// when a writer or reader outlasted the wait (the log stays, for the next try).
    @discardableResult
    func checkpointAndRestart(waitMilliseconds: Int32) throws -> (logFrames: Int, copied: Int)? {
        guard let db else { throw SQLiteStatementError(code: SQLITE_MISUSE, message: "the database is closed") }
        sqlite_nio_sqlite3_busy_timeout(db, waitMilliseconds)
        defer { sqlite_nio_sqlite3_busy_timeout(db, 0) }
        return try checkpoint(SQLITE_CHECKPOINT_RESTART)
    }

    /// One checkpoint of `mode`; nil when SQLite answered busy.
    private func checkpoint(_ mode: Int32) throws -> (logFrames: Int, copied: Int)? {
        guard let db else { throw SQLiteStatementError(code: SQLITE_MISUSE, message: "the database is closed") }
        var logFrames: Int32 = 0
        var copied: Int32 = 0
        let status = sqlite_nio_sqlite3_wal_checkpoint_v2(db, nil, mode, &logFrames, &copied)
        if status & 0xFF == SQLITE_BUSY { return nil }
        guard status == SQLITE_OK else { throw error(status, db) }
        return (Int(logFrames), Int(copied))
    }

    /// Copies this whole database into `target` with SQLite's online backup API, in one step: inside
    /// an open read transaction on this handle the copy is of that transaction's snapshot, while
    /// other connections go on writing (WAL).
    func backup(into target: SQLiteHandle) throws {
        guard let db, let targetDB = target.db else {
            throw SQLiteStatementError(code: SQLITE_MISUSE, message: "the database is closed")
        }
        guard let backup = sqlite_nio_sqlite3_backup_init(targetDB, "main", db, "main") else {
            throw error(sqlite_nio_sqlite3_errcode(targetDB), targetDB)
        }
        var status = sqlite_nio_sqlite3_backup_step(backup, -1)
        var tries = 0
        while status == SQLITE_BUSY || status == SQLITE_LOCKED, tries < 200 {
            tries += 1
            usleep(50_000)
            status = sqlite_nio_sqlite3_backup_step(backup, -1)
        }
        let finished = sqlite_nio_sqlite3_backup_finish(backup)
        guard status == SQLITE_DONE, finished == SQLITE_OK else { throw error(status == SQLITE_DONE ? finished : status, targetDB) }
    }

    /// Waits up to `milliseconds` for another connection's lock instead of failing at once.
    func setBusyTimeout(milliseconds: Int32) {
        if let db { sqlite_nio_sqlite3_busy_timeout(db, milliseconds) }
    }

    /// Waits up to `milliseconds` for another connection's lock, looking again every 100 µs.
    ///
    /// For the server's writer, whose wait holds up every request queued behind it: the lock it
    /// meets is the checkpointer's rewind of the log (`SQLiteCheckpointer`), held for a few
    /// milliseconds. SQLite's own wait (`busy_timeout`) sleeps 1, 2, 5, 10, 15… ms between looks, so
    /// a rewind of 4 ms kept the writer asleep 8 ms, and one of 9 ms, 18 ms (docs/decisions.md).
    func pollWhenBusy(milliseconds: Int32) {
        guard let db else { return }
        let looks = Int(max(1, milliseconds)) * 10
        sqlite_nio_sqlite3_busy_handler(db, pollingBusyHandler, UnsafeMutableRawPointer(bitPattern: looks))
    }

    /// Runs one statement with `binds`, handing each result row to `onRow` as it is stepped.
    func run(_ sql: String, _ binds: [SQLiteData], _ onRow: (SQLiteValues) throws -> Void) throws {
        guard let db else { throw SQLiteStatementError(code: SQLITE_MISUSE, message: "the database is closed") }
        let statement = try prepared(sql, db)
        // Always leave the statement reset, so it holds no lock. Its bindings stay until the next run
        // binds every parameter again: clearing them would expire any statement whose plan SQLite
        // made depend on a bound value, forcing a full re-prepare on every run.
        defer { sqlite_nio_sqlite3_reset(statement) }
        for (index, value) in binds.enumerated() {
            let status = Self.bind(value, at: Int32(index + 1), statement)
            guard status == SQLITE_OK else { throw error(status, db) }
        }
        var columns: [String]?
        while true {
            let status = sqlite_nio_sqlite3_step(statement)
            if status == SQLITE_DONE { return }
            guard status == SQLITE_ROW else { throw error(status, db) }
            let names = columns ?? Self.columnNames(statement)
            columns = names
            try onRow(SQLiteValues(names: names, values: try Self.values(statement, count: names.count)))
        }
    }

    private func prepared(_ sql: String, _ db: OpaquePointer) throws -> OpaquePointer {
        if let statement = statements[sql] { return statement }
        if statements.count >= Self.statementLimit {
            for statement in statements.values { sqlite_nio_sqlite3_finalize(statement) }
            statements.removeAll(keepingCapacity: true)
        }
        var statement: OpaquePointer?
        let status = sqlite_nio_sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard status == SQLITE_OK else { throw error(status, db) }
        // An empty text (only a comment) prepares to nothing; there is nothing to run.
        guard let statement else { throw SQLiteStatementError(code: SQLITE_MISUSE, message: "empty statement: \(sql)") }
        statements[sql] = statement
        return statement
    }

    private func error(_ status: Int32, _ db: OpaquePointer) -> SQLiteStatementError {
        // The extended code tells a UNIQUE violation (2067) from other constraints (`EngineError`).
        SQLiteStatementError(
            code: sqlite_nio_sqlite3_extended_errcode(db), message: String(cString: sqlite_nio_sqlite3_errmsg(db)))
    }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private static func bind(_ value: SQLiteData, at index: Int32, _ statement: OpaquePointer) -> Int32 {
        switch value {
        case .integer(let number): return sqlite_nio_sqlite3_bind_int64(statement, index, Int64(number))
        case .float(let number): return sqlite_nio_sqlite3_bind_double(statement, index, number)
        case .null: return sqlite_nio_sqlite3_bind_null(statement, index)
        case .text(let text):
            var text = text
            return text.withUTF8 { bytes in
                sqlite_nio_sqlite3_bind_text64(
                    statement, index, bytes.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) },
                    UInt64(bytes.count), transient, UInt8(SQLITE_UTF8))
            }
        case .blob(let buffer):
            return buffer.withUnsafeReadableBytes { bytes in
                sqlite_nio_sqlite3_bind_blob64(statement, index, bytes.baseAddress, UInt64(bytes.count), transient)
            }
        }
    }

    private static func columnNames(_ statement: OpaquePointer) -> [String] {
        (0..<sqlite_nio_sqlite3_column_count(statement)).map { index in
            sqlite_nio_sqlite3_column_name(statement, index).map { String(cString: $0) } ?? ""
        }
    }

    private static func values(_ statement: OpaquePointer, count: Int) throws -> [SQLiteData] {
        var values: [SQLiteData] = []
        values.reserveCapacity(count)
        for column in 0..<Int32(count) {
            switch sqlite_nio_sqlite3_column_type(statement, column) {
            case SQLITE_INTEGER: values.append(.integer(Int(sqlite_nio_sqlite3_column_int64(statement, column))))
            case SQLITE_FLOAT: values.append(.float(sqlite_nio_sqlite3_column_double(statement, column)))
            case SQLITE_TEXT:
                let bytes = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
                let text = sqlite_nio_sqlite3_column_text(statement, column).map {
                    String(decoding: UnsafeBufferPointer(start: $0, count: bytes), as: UTF8.self)
                }
                values.append(.text(text ?? ""))
            case SQLITE_BLOB:
                let bytes = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
                var buffer = ByteBufferAllocator().buffer(capacity: bytes)
                if let pointer = sqlite_nio_sqlite3_column_blob(statement, column) {
                    buffer.writeBytes(UnsafeRawBufferPointer(start: pointer, count: bytes))
                }
                values.append(.blob(buffer))
            default: values.append(.null)
            }
        }
        return values
    }
}

/// A failed SQLite call: SQLite's extended result code, which `EngineError` reads, and its message
/// ("UNIQUE constraint failed: …") for the log.
struct SQLiteStatementError: Error, CustomStringConvertible {
    let code: Int32
    let message: String
    var description: String { "SQLite error \(code): \(message)" }
}

/// One result row: the statement's column names (shared by every row of a run) and this row's values.
struct SQLiteValues: Sendable {
    let names: [String]
    let values: [SQLiteData]

    func value(_ column: String) -> SQLiteData? {
        names.firstIndex(of: column).map { values[$0] }
    }
}

/// SQLite's busy handler for `pollWhenBusy`: its context is the number of looks allowed.
private let pollingBusyHandler: @convention(c) (UnsafeMutableRawPointer?, Int32) -> Int32 = { context, looksSoFar in
    guard Int(looksSoFar) < Int(bitPattern: context) else { return 0 }
    usleep(100)
    return 1
}
