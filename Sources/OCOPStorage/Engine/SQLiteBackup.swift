import Foundation
public import OCOPDomain
import SQLiteNIO

/// What a backup or a restore copied and checked.
public struct BackupReport: Sendable {
    /// Rows per table, as of the moment the copy was taken.
    public var rowsByTable: [(table: String, rows: Int)] = []
    /// Stock levels compared with the sum of their ledger rows (all equal, or the check failed).
    public var levelsChecked = 0
    public var bytes = 0
}

/// Consistent copies of an SQLite database while the service runs, and their checks: SQLite's
/// online backup API copies the snapshot of one read transaction, in which the rows are also
/// counted, so the count a backup reports is exactly what the file holds.
public enum SQLiteBackup {
    /// Tables copied and counted: every table the schema has (the copier's list) and the migrations.
    static var tables: [String] { DatabaseCopier.tables + ["schema_migrations"] }

    /// Copies the database at `source` to a new file `destination`, then verifies the copy.
    public static func backup(from source: String, to destination: String) throws -> BackupReport {
        guard !FileManager.default.fileExists(atPath: destination) else {
            throw DomainError.invalid(field: "to", "\(destination) exists; choose a new file")
        }
        guard FileManager.default.fileExists(atPath: source) else {
            throw DomainError.invalid(field: "database", "no SQLite database at \(source)")
        }
        let counts: [(String, Int)]
        do {
            let from = try SQLiteHandle(path: source)
            defer { from.close() }
            from.setBusyTimeout(milliseconds: 10_000)
            let to = try SQLiteHandle(path: destination)
            defer { to.close() }
            try from.run("BEGIN", [], { _ in })
            do {
                var present: Set<String> = []
                try from.run("SELECT name FROM sqlite_master WHERE type = 'table'", []) { present.insert($0.text(0)) }
                counts = try tables.filter(present.contains).map { ($0, try count($0, from)) }
                try from.backup(into: to)
                try from.run("COMMIT", [], { _ in })
            } catch {
                try? from.run("ROLLBACK", [], { _ in })
                throw error
            }
        } catch {
            try? FileManager.default.removeItem(atPath: destination)
            throw error
        }
        return try verify(destination, expected: counts)
    }

    /// Brings a verified backup into a new or empty SQLite database at `destination`.
    public static func restore(from backupPath: String, to destination: String) throws -> BackupReport {
        let expected = try verify(backupPath, expected: nil).rowsByTable.map { ($0.table, $0.rows) }
        if FileManager.default.fileExists(atPath: destination) {
            let target = try SQLiteHandle(path: destination)
            defer { target.close() }
            var tables = 0
            try target.run("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'", []) { tables = Int($0.int(0)) }
            guard tables == 0 else {
                throw DomainError(.conflict, "\(destination) already holds \(tables) tables; restore into an empty database")
            }
        }
        do {
            let from = try SQLiteHandle(path: backupPath)
            defer { from.close() }
            let to = try SQLiteHandle(path: destination)
            defer { to.close() }
            try from.backup(into: to)
        }
        return try verify(destination, expected: expected)
    }

    /// Checks a database file: SQLite's integrity check, the row counts (when given), and every
    /// stock level against its ledger.
    public static func verify(_ path: String, expected: [(String, Int)]?) throws -> BackupReport {
        let handle = try SQLiteHandle(path: path)
        defer { handle.close() }
        var integrity: [String] = []
        try handle.run("PRAGMA integrity_check", []) { integrity.append($0.text(0)) }
        guard integrity == ["ok"] else {
            throw DomainError(.conflict, "integrity check failed: \(integrity.prefix(5).joined(separator: "; "))")
        }
        var report = BackupReport()
        var present: Set<String> = []
        try handle.run("SELECT name FROM sqlite_master WHERE type = 'table'", []) { present.insert($0.text(0)) }
        // A backup taken before a later migration lacks its tables; the migration adds them on open.
        for table in tables where present.contains(table) {
            let rows = try count(table, handle)
            if let expected, let wanted = expected.first(where: { $0.0 == table })?.1, wanted != rows {
                throw DomainError(.conflict, "verification failed: \(table) has \(rows) rows, the source had \(wanted)")
            }
            report.rowsByTable.append((table, rows))
        }
        var mismatches: [String] = []
        try handle.run(
            """
            SELECT l.point_slug, l.sku, l.batch, l.quantity, COALESCE(SUM(g.delta), 0) AS ledger
            FROM stock_levels l LEFT JOIN stock_ledger g
                ON g.point_slug = l.point_slug AND g.sku = l.sku AND g.batch = l.batch
            GROUP BY l.point_slug, l.sku, l.batch, l.quantity
            """, []
        ) { row in
            report.levelsChecked += 1
            if row.int(3) != row.int(4) { mismatches.append("\(row.text(0))/\(row.text(1))/\(row.text(2))") }
        }
        guard mismatches.isEmpty else {
            throw DomainError(.conflict, "stock levels differ from their ledger: \(mismatches.prefix(5).joined(separator: ", "))")
        }
        report.bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return report
    }

    private static func count(_ table: String, _ handle: SQLiteHandle) throws -> Int {
        var rows = 0
        // The table names are the fixed list above, not input.
        try handle.run("SELECT COUNT(*) FROM \"\(table)\"", []) { rows = Int($0.int(0)) }
        return rows
    }
}

extension SQLiteValues {
    fileprivate func int(_ index: Int) -> Int64 {
        switch values[index] {
        case .integer(let value): Int64(value)
        case .float(let value): Int64(exactly: value.rounded()) ?? 0
        case .text(let text): Int64(text) ?? 0
        default: 0
        }
    }

    fileprivate func text(_ index: Int) -> String {
        switch values[index] {
        case .text(let text): text
        case .integer(let value): String(value)
        case .float(let value): String(value)
        default: ""
        }
    }
}
