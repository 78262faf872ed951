import ArgumentParser
import Foundation
import OCOPDomain
import OCOPServer
import OCOPStorage

struct Report: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the programme's reports: the monthly report, or the export for the national OCOP system.",
        subcommands: [Monthly.self, National.self])

    enum Format: String, ExpressibleByArgument, CaseIterable { case json, csv }

    struct Monthly: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Products by province and stars, certificate events, expiries ahead, sales by channel and point.")

        @OptionGroup var options: CommonOptions

        @Option(help: "The month, as YYYY-MM.")
        var month: String

        @Option(help: "json or csv.")
        var format: Format = .json

        @Option(help: "With csv: provinces, certificates, sales_by_channel, sales_by_point or plans.")
        var table: String = ReportCSV.MonthlyTable.provinces.rawValue

        func run() async throws {
            guard let table = ReportCSV.MonthlyTable(rawValue: table) else {
                throw ValidationError("--table: one of \(ReportCSV.MonthlyTable.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let report = try await withDatabase(options) { database in
                try await ProgrammeReports(database: database).monthly(month, today: SystemWallClock().todayInVietnam())
            }
            print(format == .csv ? ReportCSV.monthly(report, table) : try prettyJSON(report), terminator: format == .csv ? "" : "\n")
        }
    }

    struct National: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Every certified product with its certificate and producer, for the national OCOP system.")

        @OptionGroup var options: CommonOptions

        @Option(help: "json or csv.")
        var format: Format = .csv

        func run() async throws {
            let rows = try await withDatabase(options) { database in
                try await ProgrammeReports(database: database).nationalExport(today: SystemWallClock().todayInVietnam())
            }
            print(format == .csv ? ReportCSV.national(rows) : try prettyJSON(rows), terminator: format == .csv ? "" : "\n")
        }
    }
}

/// Opens the database (migrating it), runs `body`, closes it whatever happens.
private func withDatabase<T: Sendable>(_ options: CommonOptions, _ body: (Database) async throws -> T) async throws -> T {
    let logger = try options.bootstrapLogging()
    let database = try await Database.open(try options.databaseURL(), logger: logger)
    do {
        try await Migrator(database: database, logger: logger).migrate()
        let result = try await body(database)
        try await database.close()
        return result
    } catch {
        try await database.close()
        throw error
    }
}

private func prettyJSON(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}
