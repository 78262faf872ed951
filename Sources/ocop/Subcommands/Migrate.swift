import ArgumentParser
import OCOPStorage

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations.")

    @OptionGroup var options: CommonOptions

    func run() async throws {
        let logger = try options.bootstrapLogging()
        let database = try await Database.open(try options.databaseURL(), logger: logger)
        let applied = try await Migrator(database: database, logger: logger).migrate()
        try await database.close()
        print(applied.isEmpty ? "schema is up to date" : "applied: \(applied.joined(separator: ", "))")
    }
}
