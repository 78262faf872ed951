import ArgumentParser
import Logging
import OCOPStorage

struct MigrateDB: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate-db",
        abstract: "Copy an SQLite database into an empty PostgreSQL database and verify the copy.",
        discussion: "Stop the service first so that nothing is written during the copy.")

    @Option(help: "The SQLite database, e.g. sqlite:var/ocop.sqlite")
    var from: String

    @Option(help: "The empty PostgreSQL database, e.g. postgres://ocop:secret@db:5432/ocop")
    var to: String

    @Option(help: "trace, debug, info, notice, warning, error or critical")
    var logLevel: String = "info"

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = Logger.Level(rawValue: logLevel) ?? .info
            return handler
        }
        let logger = Logger(label: "ocop")
        let source = try await Database.open(try DatabaseURL(from), logger: logger)
        let target = try await Database.open(try DatabaseURL(to), logger: logger)
        do {
            let progress = TerminalProgress()
            let report = try await DatabaseCopier(source: source, target: target, logger: logger).run {
                table, index, count in progress.show("copying table \(index + 1) of \(count): \(table)")
            }
            progress.finish()
            for (table, rows) in report.rowsByTable { print("\(table): \(rows) rows") }
            print("verified: row counts, and \(report.ledgerGroupsCompared) stock levels against their ledger sums")
        } catch {
            try await source.close()
            try await target.close()
            throw error
        }
        try await source.close()
        try await target.close()
    }
}
