public import OCOPStorage

/// The programme reports as CSV tables, for the API and for `ocop report`.
public enum ReportCSV {
    /// The tables a monthly report splits into.
    public enum MonthlyTable: String, CaseIterable, Sendable {
        case provinces
        case certificates
        case salesByChannel = "sales_by_channel"
        case salesByPoint = "sales_by_point"
        case plans
    }

    public static func monthly(_ report: MonthlyProgrammeReport, _ table: MonthlyTable) -> String {
        csvTable(report, table).text
    }

    public static func national(_ rows: [NationalExportRow]) -> String {
        CSVTable(header: NationalExportRow.columns, rows: rows.map(\.fields)).text
    }

    static func csvTable(_ report: MonthlyProgrammeReport, _ table: MonthlyTable) -> CSVTable {
        switch table {
        case .provinces:
            return CSVTable(
                header: ["province", "three_star", "four_star", "potential_five_star", "five_star", "total"],
                rows: report.productsByProvince.map {
                    [$0.province] + [$0.threeStar, $0.fourStar, $0.potentialFiveStar, $0.fiveStar, $0.total].map(String.init)
                })
        case .certificates:
            let events: [(String, [MonthlyProgrammeReport.CertificateEvent])] = [
                ("new", report.newlyCertified), ("re_recognised", report.reRecognised), ("expired", report.expired),
                ("revoked", report.revoked), ("expiring_next_90_days", report.expiringNext90Days),
            ]
            return CSVTable(
                header: ["event", "product", "certificate_number", "stars", "on"],
                rows: events.flatMap { kind, list in list.map { [kind, $0.product, $0.certificateNumber, String($0.stars), $0.on] } })
        case .plans:
            return CSVTable(
                header: ["plan", "locality", "year", "decision_number", "target_kind", "target_label", "target", "done"],
                rows: report.plans.flatMap { plan in
                    plan.targets.map {
                        [String(plan.plan), plan.locality, String(plan.year), plan.decisionNumber, $0.kind, $0.label,
                         String($0.target), String($0.done)]
                    }
                })
        case .salesByChannel, .salesByPoint:
            let rows = table == .salesByChannel ? report.salesByChannel : report.salesByPoint
            return CSVTable(
                header: [table == .salesByChannel ? "channel" : "point", "sales_count", "revenue_vnd"],
                rows: rows.map { [$0.key, String($0.salesCount), String($0.revenue)] })
        }
    }
}
