import Hummingbird
import OCOPDomain
import OCOPStorage

/// The monthly programme report as a page (admins): products by province and star level,
/// certificates issued, re-recognised, expired and revoked in the month, and sales by channel
/// and by point, each as a chart drawn on the server with its numbers in a table, and the same
/// CSV downloads as the API (`ReportCSV`), plus the national export.
extension ConsoleController {
    func addReportRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("office/report", use: reportPage)
        group.get("office/report.csv", use: reportCSV)
        group.get("office/national-export.csv", use: nationalExportCSV)
    }

    var reports: ProgrammeReports { ProgrammeReports(database: database) }

    @Sendable func reportPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await asOffice(request, context) {
            let page = page(request, context)
            let language = page.language
            let today = clock.todayInVietnam()
            let month = request.uri.queryParameters.get("month").map { String($0) } ?? Self.month(of: today)
            var values = page.context(title: ConsoleWords.word("monthly_report", language) + " " + month, path: "/console/office/report")
            values["heading"] = ConsoleWords.word("monthly_report", language)
            values["month"] = month
            values["office_href"] = page.link("/console/office")
            values["nav"] = page.officeNav(current: "/report")
            values["nav_label"] = ConsoleWords.word("office", language)
            values["report_action"] = page.link("/console/office/report")
            let report: MonthlyProgrammeReport
            do {
                report = try await reports.monthly(month, today: today)
            } catch let error as DomainError {
                values["error"] = error.explanation
                return html(request, Problem(error).status, templates.render("console-report", values))
            }
            let localities = catalog.snapshot().localities
            let context = Self.reportContext(report, page: page) { localities.province(code: $0)?.name ?? $0 }
            for (key, value) in context { values[key] = value }
            return html(request, .ok, templates.render("console-report", values))
        }
    }

    @Sendable func reportCSV(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await asOffice(request, context) {
            let month = request.uri.queryParameters.get("month").map { String($0) } ?? Self.month(of: clock.todayInVietnam())
            guard let table = ReportCSV.MonthlyTable(rawValue: request.uri.queryParameters.get("table").map { String($0) } ?? "")
            else { return notFound(request, context) }
            do {
                let report = try await reports.monthly(month, today: clock.todayInVietnam())
                return ReportCSV.csvTable(report, table).response(filename: "ocop-\(month)-\(table.rawValue).csv")
            } catch let error as DomainError where error.code == .invalid {
                return csvRefusal(error.explanation)
            }
        }
    }

    @Sendable func nationalExportCSV(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await asOffice(request, context) {
            let today = clock.todayInVietnam()
            let rows = try await reports.nationalExport(today: today)
            return CSVTable(header: NationalExportRow.columns, rows: rows.map(\.fields))
                .response(filename: "ocop-national-export-\(today).csv")
        }
    }

    /// `body` for a signed-in admin; otherwise the sign-in or the 403 page.
    func asOffice(
        _ request: Request, _ context: AppRequestContext, _ body: () async throws -> Response
    ) async throws -> Response {
        guard let identity = context.identity else { return signInFirst(request) }
        guard identity.isAdmin else { return forbidden(request, context) }
        return try await body()
    }

    private static func month(of day: CalendarDate) -> String {
        String(day.description.prefix(7))
    }

    private static func reportContext(
        _ report: MonthlyProgrammeReport, page: ConsolePage, provinceName: (String) -> String
    ) -> [String: Any] {
        let language = page.language
        let word = { (key: String) in ConsoleWords.word(key, language) }
        let count = { (value: Int) in ShowroomFormat.grouped(value, separator: language == .vi ? "." : ",") }
        let provinces = report.productsByProvince.sorted { ($0.total, $1.province) > ($1.total, $0.province) }
        let certificateCounts = [
            ("newly_certified", report.newlyCertified.count), ("re_recognised", report.reRecognised.count),
            ("certificates_expired", report.expired.count), ("certificates_revoked", report.revoked.count),
        ]
        let csv = { (table: ReportCSV.MonthlyTable) in
            page.link("/console/office/report.csv?month=\(report.month)&table=\(table.rawValue)")
        }
        return [
            "as_of": ShowroomFormat.date(CalendarDate(iso: report.asOf) ?? CalendarDate.latest, language),
            "provinces_chart": SVGBarChart(
                title: word("products_by_province"),
                bars: provinces.prefix(20).map {
                    .init(label: provinceName($0.province), segments: [$0.threeStar, $0.fourStar, $0.potentialFiveStar, $0.fiveStar])
                }, valueText: count
            ).svg,
            "provinces": provinces.map { row -> [String: Any] in
                ["province": provinceName(row.province), "code": row.province, "three": row.threeStar, "four": row.fourStar,
                 "potential_five": row.potentialFiveStar, "five": row.fiveStar, "total": row.total]
            },
            "provinces_total": count(provinces.reduce(0) { $0 + $1.total }),
            "certificates_chart": SVGBarChart(
                title: word("certificates_in_month"),
                bars: certificateCounts.map { .init(label: word($0.0), segments: [$0.1]) }, valueText: count
            ).svg,
            "certificates": certificateCounts.map { ["label": word($0.0), "count": $0.1] },
            "channels_chart": SVGBarChart(
                title: word("sales_by_channel"),
                bars: report.salesByChannel.map { .init(label: word("channel_" + $0.key), segments: [$0.revenue]) },
                valueText: { ShowroomFormat.price($0, language) }
            ).svg,
            "channels": report.salesByChannel.map { row -> [String: Any] in
                ["label": word("channel_" + row.key), "key": row.key, "count": row.salesCount,
                 "revenue": ShowroomFormat.price(row.revenue, language)]
            },
            "points_chart": SVGBarChart(
                title: word("sales_by_point"),
                bars: report.salesByPoint.sorted { $0.revenue > $1.revenue }.prefix(15).map {
                    .init(label: $0.key, segments: [$0.revenue])
                }, valueText: { ShowroomFormat.price($0, language) }
            ).svg,
            "plans": report.plans.map { plan -> [String: Any] in
                [
                    "title": plan.title.isEmpty ? plan.decisionNumber : plan.title, "locality": plan.localityName,
                    "href": page.link("/console/office/plans/\(plan.plan)"),
                    "targets": plan.targets.map { target -> [String: Any] in
                        ["label": target.label.isEmpty ? word("target_" + target.kind) : target.label, "done": target.done,
                         "target": target.target, "bar_value": min(target.done, target.target)]
                    },
                ]
            },
            "has_plans": !report.plans.isEmpty,
            "points": report.salesByPoint.map { row -> [String: Any] in
                ["key": row.key, "count": row.salesCount, "revenue": ShowroomFormat.price(row.revenue, language)]
            },
            "has_points": !report.salesByPoint.isEmpty, "has_channels": !report.salesByChannel.isEmpty,
            "notes": report.notes,
            "csv_provinces": csv(.provinces), "csv_certificates": csv(.certificates),
            "csv_channels": csv(.salesByChannel), "csv_points": csv(.salesByPoint), "csv_plans": csv(.plans),
            "national_href": page.link("/console/office/national-export.csv"),
        ]
    }
}
