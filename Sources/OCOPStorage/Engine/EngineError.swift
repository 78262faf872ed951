import PostgresNIO

/// What a database error means to a store, read from each engine's error codes rather than from
/// the words of its message (which change between versions and languages).
enum EngineError {
    /// SQLite's extended result codes for a UNIQUE or PRIMARY KEY constraint.
    private static let sqliteUniqueCodes: Set<Int32> = [2067, 1555]
    /// PostgreSQL's SQLSTATE for unique_violation.
    private static let postgresUniqueState = "23505"

    /// Whether `error` is an insert or update refused because the row's key is already taken.
    static func isUniqueViolation(_ error: any Error) -> Bool {
        if let sqlite = error as? SQLiteStatementError { return sqliteUniqueCodes.contains(sqlite.code) }
        if let postgres = error as? PSQLError { return postgres.serverInfo?[.sqlState] == postgresUniqueState }
        return false
    }
}
