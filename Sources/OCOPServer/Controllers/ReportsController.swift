import Hummingbird
import OCOPDomain
import OCOPStorage

/// The programme office's reports (admin): the monthly report and the national export, as JSON or
/// CSV (`Accept: text/csv` or `format=csv`; the monthly report's CSV is one `table` at a time).
struct ReportsController: Sendable {
    let database: Database
    let clock: any WallClock

    var reports: ProgrammeReports { ProgrammeReports(database: database) }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("reports/monthly", use: monthly)
        group.get("reports/national-export", use: national)
    }

    @Sendable func monthly(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireAdmin()
        let parameters = try QueryParameters(request, known: ["month", "format", "table"])
        guard let month = parameters["month"] else { throw Problem.badParameter("month", "required, as YYYY-MM") }
        let csv = try CSVTable.wanted(request, format: parameters["format"])
        var table = ReportCSV.MonthlyTable.provinces
        if let text = parameters["table"] {
            guard let chosen = ReportCSV.MonthlyTable(rawValue: text) else {
                throw Problem.badParameter("table", ReportCSV.MonthlyTable.allCases.map(\.rawValue).joined(separator: ", "))
            }
            table = chosen
        }
        let report = try await reports.monthly(month, today: clock.todayInVietnam())
        guard csv else { return try ResponseJSON.response(report) }
        return ReportCSV.csvTable(report, table).response(filename: "ocop-\(month)-\(table.rawValue).csv")
    }

    @Sendable func national(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireAdmin()
        let parameters = try QueryParameters(request, known: ["format"])
        let today = clock.todayInVietnam()
        let rows = try await reports.nationalExport(today: today)
        guard try CSVTable.wanted(request, format: parameters["format"]) else {
            return try ResponseJSON.response(Items(items: rows))
        }
        return CSVTable(header: NationalExportRow.columns, rows: rows.map(\.fields))
            .response(filename: "ocop-national-export-\(today).csv")
    }

    struct Items: Encodable {
        var items: [NationalExportRow]
    }
}
