import ArgumentParser
import Foundation
import Logging
import OCOPDomain
import OCOPStorage

/// Options every subcommand takes; each falls back to its environment variable, then a default.
struct CommonOptions: ParsableArguments {
    @Option(help: "Database URL: sqlite:PATH or postgres://… [env OCOP_DATABASE_URL, default sqlite:var/ocop.sqlite]")
    var database: String?

    @Option(help: "Catalog folder of YAML files [env OCOP_CATALOG_DIR, default Catalog]")
    var catalogDir: String?

    @Option(help: "Media folder [env OCOP_MEDIA_DIR, default Media]")
    var mediaDir: String?

    @Option(help: "trace, debug, info, notice, warning, error or critical [env OCOP_LOG_LEVEL, default info]")
    var logLevel: String?

    private var environment: [String: String] { ProcessInfo.processInfo.environment }

    func databaseURL() throws -> DatabaseURL {
        try DatabaseURL(database ?? environment["OCOP_DATABASE_URL"] ?? "sqlite:var/ocop.sqlite")
    }

    var catalogDirectory: URL {
        URL(fileURLWithPath: catalogDir ?? environment["OCOP_CATALOG_DIR"] ?? "Catalog")
    }

    var mediaDirectory: URL {
        URL(fileURLWithPath: mediaDir ?? environment["OCOP_MEDIA_DIR"] ?? "Media")
    }

    func level() throws -> Logger.Level {
        let text = logLevel ?? environment["OCOP_LOG_LEVEL"] ?? "info"
        guard let level = Logger.Level(rawValue: text) else {
            throw ValidationError("--log-level: unknown level '\(text)'")
        }
        return level
    }

    /// Sets up logging once for the process, to standard error.
    func bootstrapLogging() throws -> Logger {
        let level = try level()
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        return Logger(label: "ocop")
    }

    /// Opens the database and brings its schema up to date.
    func openMigratedDatabase(logger: Logger, sqliteCacheMegabytes: Int = 8) async throws -> Database {
        let url = try databaseURL()
        let database = try await Database.open(url, logger: logger, sqliteCacheMegabytes: sqliteCacheMegabytes)
        try await Migrator(database: database, logger: logger).migrate()
        return database
    }
}
