import ArgumentParser
import Foundation
import OCOPStorage

/// `ocop backup --to FILE`: a consistent, verified copy of the SQLite database while the service runs.
struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the database to a new file while the service runs, and verify the copy.",
        discussion: """
            SQLite: the online backup API copies one consistent moment; the copy is then checked \
            (integrity, row counts, every stock level against its ledger). PostgreSQL: use pg_dump -Fc \
            and WAL archiving; this command only checks that the server answers.
            """)

    @OptionGroup var options: CommonOptions

    @Option(help: "The new backup file (must not exist)")
    var to: String

    func run() async throws {
        let logger = try options.bootstrapLogging()
        switch try options.databaseURL().kind {
        case .sqliteFile(let path):
            let report = try await offTheCaller { try SQLiteBackup.backup(from: path, to: to) }
            BackupSummary.print(report, verb: "backed up to \(to)")
        case .sqliteMemory:
            throw ValidationError("an in-memory database has nothing to back up")
        case .postgres(let url):
            let database = try await Database.open(try DatabaseURL(url), logger: logger, maxConnections: 1)
            try await database.ping()
            try await database.close()
            FileHandle.standardError.write(
                Data(
                    """
                    PostgreSQL answers, but nothing was copied: back PostgreSQL up with its own tools, e.g.
                      pg_dump -Fc --file=ocop.dump '\(url)'   (nightly), plus WAL archiving for point-in-time recovery.

                    """.utf8))
            throw ExitCode(2)
        }
    }
}

/// `ocop restore --from FILE`: a verified backup into an empty database (SQLite or PostgreSQL).
struct Restore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Bring a backup file back into an empty database and verify it.",
        discussion: "Into SQLite the file is copied page by page; into PostgreSQL it is copied as migrate-db does.")

    @OptionGroup var options: CommonOptions

    @Option(help: "The backup file made by ocop backup")
    var from: String

    func run() async throws {
        let logger = try options.bootstrapLogging()
        switch try options.databaseURL().kind {
        case .sqliteFile(let path):
            let report = try await offTheCaller { try SQLiteBackup.restore(from: from, to: path) }
            BackupSummary.print(report, verb: "restored into \(path)")
        case .sqliteMemory:
            throw ValidationError("restore into a file or PostgreSQL, not memory")
        case .postgres(let url):
            _ = try SQLiteBackup.verify(from, expected: nil)
            let source = try await Database.open(try DatabaseURL("sqlite:" + from), logger: logger)
            let target = try await Database.open(try DatabaseURL(url), logger: logger)
            do {
                let report = try await DatabaseCopier(source: source, target: target, logger: logger).run()
                print("restored into PostgreSQL; verified \(report.ledgerGroupsCompared) stock levels against their ledger")
            } catch {
                try? await source.close()
                try? await target.close()
                throw error
            }
            try await source.close()
            try await target.close()
        }
    }
}

enum BackupSummary {
    static func print(_ report: BackupReport, verb: String) {
        let rows = report.rowsByTable.reduce(0) { $0 + $1.rows }
        Swift.print("\(verb): \(rows) rows in \(report.rowsByTable.count) tables, \(report.bytes) bytes")
        Swift.print("verified: integrity ok, row counts equal, \(report.levelsChecked) stock levels match their ledger")
    }
}

/// Runs blocking SQLite work on a Dispatch thread rather than a cooperative one.
func offTheCaller<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
    }
}
